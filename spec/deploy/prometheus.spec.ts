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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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
  // Disk I/O rates where this machine's block devices have counters (the same for both services).
  const stats = (await getJson(`${plain.url}/api/stats`)).body as { disk: { ioTime: number | null }[]; diskIO?: { writtenBytes: number | null } | null };
  if ((stats.diskIO?.writtenBytes ?? null) !== null) {
    for (const s of await forBoth('instance:widgets_disk_physical_written_bytes:rate1m')) assert.ok(value(s) >= 0, `${s.metric.instance}: ${s.value}`);
  }
  if (stats.disk.some((d) => d.ioTime !== null)) {
    for (const s of await forBoth('instance_device:widgets_disk_io_time_seconds:rate1m')) {
      assert.ok(value(s) >= 0 && value(s) <= 1.05, `${s.metric.instance} ${s.metric.device} busy: ${s.value}`);
      assert.is(s.metric.mountpoint, undefined, 'one series per device');
    }
  }
});

test('GPU power state panel: each GPU shows what its machine says (the stand-in\'s sysfs has no runtime PM: "not reported", not "awake")', async () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: DashboardPanel[] };
  const panel = dashboard.panels.find((p) => p.title === 'GPU power state');
  const expr = substitute(panel!.targets![0]!.expr, [plainInstance, tlsInstance]);
  const series = await pollUntil(() => instantQuery(prometheus.url, expr), (r) => r.length === 3, 10_000);
  const shown = (instance: string, name: string) => series.find((s) => s.metric.instance === instance && s.metric.name === name);
  const mapped = panel!.fieldConfig!.defaults!.mappings![0]!.options;
  for (const [instance, service] of [[plainInstance, plain], [tlsInstance, tls]] as const) {
    const gpus = (instance === tlsInstance ? await httpsJson(service, '/api/stats/gpu') : (await getJson(`${service.url}/api/stats/gpu`)).body) as { name: string; powerState: string | null }[];
    for (const gpu of gpus) {
      const want = gpu.powerState === null ? '-1' : gpu.powerState === 'suspended' ? '1' : '0';
      const got = shown(instance, gpu.name);
      assert.is(got?.value?.[1], want, `${instance} ${gpu.name}: powerState ${gpu.powerState}`);
      console.log(`"GPU power state": ${instance} ${gpu.name} shown as "${mapped[want]!.text}" (powerState ${gpu.powerState})`);
    }
  }
});

test('the disk I/O panels show a real write: 32 MiB written with O_DIRECT in the temp dir appear on its filesystem and on the machine line', async () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: DashboardPanel[] };
  const disks = (await getJson(`${plain.url}/api/stats/disk`)).body as { mountpoint: string; device: string; writtenBytes: number | null }[];
  const real = realpathSync(dir);
  const fs = disks.filter((d) => d.writtenBytes !== null && (real === d.mountpoint || real.startsWith(d.mountpoint.endsWith('/') ? d.mountpoint : `${d.mountpoint}/`)))
    .sort((x, y) => y.mountpoint.length - x.mountpoint.length)[0];
  if (!fs) {
    console.log(`disk I/O write not checked: the temp dir ${real} is on no listed filesystem with I/O counters (tmpfs, overlay)`);
    return;
  }
  const file = path.join(dir, 'written');
  for (let i = 0; i < 4; i++) {
    const run = spawnSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=8', 'oflag=direct', 'conv=notrunc', `seek=${i * 8}`, 'status=none']);
    assert.is(run.status, 0, `dd: ${run.stderr}`);
  }
  // The panels' rate window is 4 s here: 32 MiB in it is at least 8 MiB/s; ask for half of that.
  const atLeast = 4 * 1024 * 1024;
  const peak = (series: PromSeries[]) => Math.max(0, ...series.flatMap((s) => (s.values ?? []).map(([, v]) => Number(v))));
  for (const [title, refId, select] of [
    ['Disk written per filesystem', 'A', (s: PromSeries) => s.metric.mountpoint === fs.mountpoint],
    ['Disk I/O per machine', 'B', () => true],
  ] as const) {
    const target = dashboard.panels.find((p) => p.title === title)!.targets!.find((t) => t.refId === refId)!;
    const expr = substitute(target.expr, [plainInstance]);
    const series = await pollUntil(() => rangeQuery(prometheus.url, expr, 15), (r) => peak(r.filter(select)) >= atLeast, 10_000);
    assert.ok(peak(series.filter(select)) >= atLeast, `${title}: peak ${(peak(series.filter(select)) / 2 ** 20).toFixed(1)} MiB/s on ${fs.mountpoint} (${fs.device})`);
  }
  rmSync(file, { force: true });
});

interface DashboardPanel {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { refId: string; expr: string; instant?: boolean; range?: boolean; legendFormat?: string }[];
  fieldConfig?: { defaults?: { unit?: string; mappings?: { type: string; options: Record<string, { text: string; color?: string }> }[] } };
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
  // A machine with no real filesystem (a container on overlayfs), no block device statistics or no
  // interface but loopback has nothing to show in those panels: they are then expected empty, and
  // the spec says so.
  const nothingOn: [RegExp, string][] = [];
  const stats = (await getJson(`${plain.url}/api/stats`)).body as { disk: { readBytes: number | null; ioTime: number | null }[]; diskIO?: { readBytes: number | null } | null };
  if (stats.disk.length === 0) nothingOn.push([/widgets_disk_(used|free|size)_bytes/, 'no filesystem listed here']);
  if (!stats.disk.some((d) => d.readBytes !== null)) nothingOn.push([/widgets_disk_(read|written)_bytes_total/, 'no filesystem with I/O counters here (no block device behind it)']);
  if (!stats.disk.some((d) => d.ioTime !== null)) nothingOn.push([/widgets_disk_io_time_seconds_total/, 'no filesystem with an I/O time counter here']);
  if ((stats.diskIO?.readBytes ?? null) === null) nothingOn.push([/widgets_disk_physical_/, 'no physical disk totals here (no /sys/block)']);
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
    const states = panel.fieldConfig?.defaults?.mappings?.find((m) => m.type === 'value')?.options;
    drawn.push({ type: panel.type, title: panel.title, gridPos: panel.gridPos, unit: panel.fieldConfig?.defaults?.unit ?? '', results, states });
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
