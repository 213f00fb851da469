// Issue 23: a real Prometheus (Debian's package) scrapes two running services, as a fleet would:
// one on loopback without a token, one started with --token and --tls-cert/--tls-key (a CA and a
// server certificate made here with openssl) scraped with scheme https, tls_config.ca_file and
// authorization.credentials_file; a third job scrapes the TLS one with a wrong token. Both services
// replay captured nvidia-smi output through the stand-in. Prometheus loads deploy/prometheus's
// rules, and every query of every panel of deploy/grafana/widgets-fleet.json is run against it with
// the template variables substituted as Grafana does. The panels' data is drawn into
// spec/artifacts/grafana-fleet-panels.png (by this spec, not by Grafana) when chromium is there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, getJson, startService, type RunningService } from '../helpers/service.js';
import { fakeGpuPath, fixture, type FakeGpuPath } from '../helpers/fake-gpu-path.js';
import {
  activeTargets, grafanaRegexValue, instantQuery, makeCertificates, pollUntil, rangeQuery, startPrometheus,
  type PromSeries, type RunningPrometheus, type Target,
} from '../helpers/prometheus.js';
import { drawPanels, type DrawnPanel } from '../helpers/draw-panels.js';
import { TOPICS } from '../../lib/types.js';

const TOKEN = 'fleet-spec-token-0123456789abcdef';
const RULES = path.join(ROOT, 'deploy', 'prometheus', 'widgets.rules.yml');
const DASHBOARD = path.join(ROOT, 'deploy', 'grafana', 'widgets-fleet.json');
const CHROMIUM = '/usr/bin/chromium';
const nvidia = (f: string) => fixture(`nvidia-smi/${f}`);
const RTX = nvidia('query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv');
const L40S = nvidia('query-gpu-all-fields-l40s-595.80-load.csv');
const APPS = nvidia('compute-apps-rtx4080super-linux-595.71.05-load.csv');
// Collectors keep running between 1 s scrapes (README: a linger longer than the scrape interval).
const SERVICE_ARGS = ['--interval', '1s', '--linger', '30s'];

let dir: string;
let gpuPlain: FakeGpuPath;
let gpuTls: FakeGpuPath;
let plain: RunningService;
let tls: RunningService;
let prometheus: RunningPrometheus;
/** The `instance` label of each service, as the scrape config names its target. */
let plainInstance: string;
let tlsInstance: string;

test.before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'widgets-fleet-'));
  const certs = makeCertificates(dir);
  const tokenFile = path.join(dir, 'token');
  const wrongTokenFile = path.join(dir, 'wrong-token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  writeFileSync(wrongTokenFile, 'not-the-token-0123456789abcdef\n');
  // Two machines: an L40S and an RTX 4080 SUPER (with its processes) here, the 4080 alone there.
  gpuPlain = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: [L40S, RTX].join(':'), FAKE_NVIDIA_SMI_APPS: APPS }, ['nvidia-smi'], true);
  gpuTls = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: RTX, FAKE_NVIDIA_SMI_APPS: APPS }, ['nvidia-smi'], true);
  [plain, tls] = await Promise.all([
    startService(SERVICE_ARGS, gpuPlain.env),
    startService([...SERVICE_ARGS, '--token', TOKEN, '--tls-cert', certs.cert, '--tls-key', certs.key], gpuTls.env),
  ]);
  plainInstance = `127.0.0.1:${plain.port}`;
  tlsInstance = `localhost:${tls.port}`; // the certificate's DNS name, checked by Prometheus
  const tlsJob = (name: string, credentials: string) => `
  - job_name: ${name}
    scheme: https
    tls_config:
      ca_file: ${certs.ca}
    authorization:
      credentials_file: ${credentials}
    static_configs:
      - targets: ['${tlsInstance}']`;
  prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - ${RULES}
scrape_configs:
  - job_name: widgets
    static_configs:
      - targets: ['${plainInstance}']
${tlsJob('widgets-tls', tokenFile)}
${tlsJob('wrong-token', wrongTokenFile)}
`);
});

test.after(async () => {
  await prometheus?.stop();
  await Promise.all([plain?.stop(), tls?.stop()]);
  gpuPlain?.cleanup();
  gpuTls?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const byJob = (targets: Target[], job: string) => targets.find((t) => t.labels.job === job);

test('Prometheus scrapes both services: plain HTTP, and HTTPS with the CA file and the token file', async () => {
  const targets = await pollUntil(() => activeTargets(prometheus.url),
    (ts) => byJob(ts, 'widgets')?.health === 'up' && byJob(ts, 'widgets-tls')?.health === 'up' && byJob(ts, 'wrong-token')?.health === 'down',
    20_000);
  const summary = JSON.stringify(targets.map((t) => [t.labels.job, t.labels.instance, t.health, t.lastError]));
  assert.is(byJob(targets, 'widgets')?.health, 'up', summary);
  assert.is(byJob(targets, 'widgets')?.labels.instance, plainInstance);
  assert.is(byJob(targets, 'widgets-tls')?.health, 'up', summary);
  assert.is(byJob(targets, 'widgets-tls')?.labels.instance, tlsInstance);
  assert.is(byJob(targets, 'widgets-tls')?.lastError, '');
});

/** Waits until `expr` has a result for both instances (at most 15 s) and returns it. */
async function forBoth(expr: string): Promise<PromSeries[]> {
  return pollUntil(() => instantQuery(prometheus.url, expr), (r) => instancesOf(r).length === 2, 15_000);
}
const instancesOf = (series: PromSeries[]) => [...new Set(series.map((s) => s.metric.instance ?? ''))].sort();
const value = (s: PromSeries | undefined) => Number(s?.value?.[1]);

test('the series each machine should have are in Prometheus with its instance label, equal to what it serves as JSON', async () => {
  const both = [plainInstance, tlsInstance].sort();
  const services: [string, RunningService, RequestInit][] = [
    [plainInstance, plain, {}],
    [tlsInstance, tls, { headers: { Authorization: `Bearer ${TOKEN}` } }],
  ];
  assert.equal(instancesOf(await forBoth('widgets_cpu_usage_ratio')), both);
  const cpu = await instantQuery(prometheus.url, 'widgets_cpu_usage_ratio');
  for (const s of cpu) assert.ok(value(s) >= 0 && value(s) <= 1, `CPU usage a ratio: ${s.value}`);

  const memory = await forBoth('widgets_memory_size_bytes');
  const gpus = await forBoth('widgets_gpu_info');
  const disks = await instantQuery(prometheus.url, 'widgets_disk_size_bytes');
  const network = await forBoth('widgets_network_receive_bytes_total{interface="lo"}');
  const up = await forBoth('widgets_collector_up');
  for (const [instance, service, init] of services) {
    const json = async (p: string) => (instance === tlsInstance ? httpsJson(service, p) : (await getJson(`${service.url}${p}`, init)).body);
    const mem = await json('/api/stats/memory');
    assert.is(value(memory.find((s) => s.metric.instance === instance)), mem.total, `${instance}: memory size`);
    const names = ((await json('/api/stats/gpu')) as { name: string }[]).map((g) => g.name);
    assert.equal(gpus.filter((s) => s.metric.instance === instance).map((s) => s.metric.name).sort(), [...names].sort(), `${instance}: GPUs`);
    const mounts = ((await json('/api/stats/disk')) as { mountpoint: string }[]).map((d) => d.mountpoint).sort();
    assert.equal(disks.filter((s) => s.metric.instance === instance).map((s) => s.metric.mountpoint).sort(), mounts, `${instance}: disks`);
    assert.ok(value(network.find((s) => s.metric.instance === instance)) > 0, `${instance}: loopback bytes`);
    const collectors = up.filter((s) => s.metric.instance === instance);
    assert.equal(collectors.map((s) => s.metric.collector).sort(), [...TOPICS].sort(), `${instance}: every collector`);
    for (const s of collectors) assert.is(value(s), 1, `${instance}: ${s.metric.collector} up`);
  }
  assert.equal(gpus.filter((s) => s.metric.instance === plainInstance).map((s) => s.metric.name).sort(), ['NVIDIA GeForce RTX 4080 SUPER', 'NVIDIA L40S']);
  assert.equal(new Set(gpus.map((s) => s.metric.job)), new Set(['widgets', 'widgets-tls']), 'nothing from the wrong-token job');
});

/** GET over https from the TLS service with the token (node's fetch cannot take a CA; node:https can). */
async function httpsJson(service: RunningService, p: string): Promise<any> {
  const { get } = await import('node:https');
  const ca = readFileSync(path.join(dir, 'ca.pem'));
  return new Promise((resolve, reject) => {
    get(`${service.url}${p}`, { ca, headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve(JSON.parse(text)));
    }).on('error', reject);
  });
}

test('a wrong token: up is 0 with a 401 in the target\'s last error, and the service goes on without a crash in its log', async () => {
  const targets = await pollUntil(() => activeTargets(prometheus.url), (ts) => /401/.test(byJob(ts, 'wrong-token')?.lastError ?? ''), 15_000);
  const wrong = byJob(targets, 'wrong-token');
  assert.is(wrong?.health, 'down');
  assert.match(wrong?.lastError ?? '', /401/);
  const up = await instantQuery(prometheus.url, 'up{job="wrong-token"}');
  assert.equal(up.map((s) => [s.metric.instance, value(s)]), [[tlsInstance, 0]]);
  assert.is(tls.child.exitCode, null, 'still running');
  assert.not.match(tls.stderr(), /unexpected error|uncaught|Error:|^\s+at .*\(/m, tls.stderr());
  assert.is(byJob(targets, 'widgets-tls')?.health, 'up', 'the right token still scrapes the same service');
});

test('the rule file loads and its recording rules answer for both machines', async () => {
  const rules = await pollUntil(async () => (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as any,
    (r) => r.data.groups.flatMap((g: any) => g.rules).every((rule: any) => rule.health === 'ok' && rule.lastEvaluation && !rule.lastEvaluation.startsWith('0001')),
    10_000);
  const all = rules.data.groups.flatMap((g: any) => g.rules) as { name: string; health: string; lastError?: string; type: string }[];
  assert.equal(all.filter((r) => r.type === 'alerting').map((r) => r.name).sort(),
    ['WidgetsCollectorDown', 'WidgetsDiskNearlyFull', 'WidgetsGpuMemoryNearlyFull', 'WidgetsGpuTooHot', 'WidgetsNotScraped']);
  for (const r of all) assert.is(r.health, 'ok', `${r.name}: ${r.lastError}`);
  const ratio = await forBoth('instance_gpu:widgets_gpu_memory_used:ratio');
  for (const s of ratio) assert.ok(value(s) > 0 && value(s) < 1, `${s.metric.instance} GPU ${s.metric.gpu}: ${s.value}`);
  await forBoth('instance:widgets_network_receive_bytes:rate1m');
});

interface DashboardPanel {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { refId: string; expr: string; instant?: boolean; range?: boolean; legendFormat?: string }[];
  fieldConfig?: { defaults?: { unit?: string } };
}

/** A dashboard query as Grafana sends it: the `instance` selection and the rate interval substituted. */
function substitute(expr: string, instances: string[]): string {
  // $__rate_interval is at least 4 scrape intervals (1 s here).
  return expr.replaceAll('$instance', grafanaRegexValue(instances)).replaceAll('$__rate_interval', '4s');
}

test('every query of every dashboard panel returns data from both machines (no panel shows "No data")', async () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: DashboardPanel[]; templating: { list: { name: string }[] } };
  assert.equal(dashboard.templating.list.map((v) => v.name), ['datasource', 'instance']);
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  assert.ok(panels.length >= 15, `${panels.length} panels`);
  const both = [plainInstance, tlsInstance];
  const drawn: DrawnPanel[] = [];
  // A machine with no real filesystem (a container on overlayfs) or no interface but loopback has
  // nothing to show in those panels: they are then expected empty, and the spec says so.
  const nothingOn: [RegExp, string][] = [];
  if (((await getJson(`${plain.url}/api/stats/disk`)).body as unknown[]).length === 0) nothingOn.push([/widgets_disk_/, 'no filesystem listed here']);
  const interfaces = (await getJson(`${plain.url}/api/stats/network`)).body.interfaces as { name: string }[];
  if (!interfaces.some((i) => i.name !== 'lo')) nothingOn.push([/widgets_network_/, 'no interface but loopback here']);
  // Rates need two samples inside their window; the first scrapes may be a second or two old only.
  await forBoth(substitute('rate(widgets_network_receive_bytes_total{instance=~"$instance"}[$__rate_interval])', both));
  for (const panel of panels) {
    assert.ok((panel.targets ?? []).length > 0, `${panel.title}: has queries`);
    const results: DrawnPanel['results'] = [];
    for (const target of panel.targets!) {
      const expr = substitute(target.expr, both);
      const empty = nothingOn.find(([pattern]) => pattern.test(target.expr));
      if (empty) {
        console.log(`"${panel.title}" not checked: ${empty[1]}`);
        assert.equal(await instantQuery(prometheus.url, expr), [], `${panel.title}: ${empty[1]}, so no data`);
        continue;
      }
      const series = target.instant
        ? await pollUntil(() => instantQuery(prometheus.url, expr), (r) => instancesOf(r).length === 2, 10_000)
        : await pollUntil(() => rangeQuery(prometheus.url, expr, 30), (r) => instancesOf(r).length === 2, 10_000);
      assert.ok(series.length > 0, `${panel.title} (${target.refId}): no data for ${expr}`);
      assert.equal(instancesOf(series), [...both].sort(), `${panel.title} (${target.refId}): both machines in ${expr}`);
      // One machine chosen: only that machine's series.
      const one = target.instant ? await instantQuery(prometheus.url, substitute(target.expr, [tlsInstance]))
        : await rangeQuery(prometheus.url, substitute(target.expr, [tlsInstance]), 30);
      assert.equal(instancesOf(one), [tlsInstance], `${panel.title} (${target.refId}): the instance variable narrows it`);
      results.push({ refId: target.refId, legend: target.legendFormat ?? '', series });
    }
    drawn.push({ type: panel.type, title: panel.title, gridPos: panel.gridPos, unit: panel.fieldConfig?.defaults?.unit ?? '', results });
  }
  if (existsSync(CHROMIUM)) {
    const artifacts = path.join(ROOT, 'spec', 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    const png = await drawPanels(drawn, CHROMIUM, path.join(artifacts, 'grafana-fleet-panels.png'));
    assert.ok(png.byteLength > 10_000, 'a picture was drawn');
  } else {
    console.log(`dashboard picture not drawn: ${CHROMIUM} not found`);
  }
});

test.run();
