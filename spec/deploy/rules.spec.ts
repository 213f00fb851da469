// deploy/prometheus with the real promtool (Debian's prometheus package): the rules are clean, their
// unit tests pass (each alert fires and does not fire), and every Prometheus configuration in the
// README passes `promtool check config` with the files it names in place.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/service.js';

const DIR = path.join(ROOT, 'deploy', 'prometheus');
const RULES = path.join(DIR, 'widgets.rules.yml');
const RULE_TESTS = path.join(DIR, 'widgets.rules.test.yml');

function promtool(args: string[], cwd = DIR): { code: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('promtool not found on PATH: install Debian\'s prometheus package (spec/system-deps.sh does)');
  }
  if (run.error) throw run.error;
  return { code: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

const alertsIn = (yaml: string) => [...yaml.matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1]!);

test('promtool check rules: clean, with the five alerts the README names', () => {
  const run = promtool(['check', 'rules', RULES]);
  assert.is(run.code, 0, run.output);
  assert.match(run.output, /SUCCESS: 12 rules found/);
  assert.not.match(run.output, /warn|WARNING/i);
  assert.equal(alertsIn(readFileSync(RULES, 'utf8')).sort(),
    ['WidgetsCollectorDown', 'WidgetsDiskNearlyFull', 'WidgetsGpuMemoryNearlyFull', 'WidgetsGpuTooHot', 'WidgetsNotScraped']);
});

test('promtool test rules: every alert has a case where it fires and one where it does not, and they pass', () => {
  const tests = readFileSync(RULE_TESTS, 'utf8');
  for (const alert of alertsIn(readFileSync(RULES, 'utf8'))) {
    const cases = [...tests.matchAll(new RegExp(`alertname: ${alert}\\n\\s*exp_alerts:(\\s*\\[\\])?`, 'g'))];
    assert.ok(cases.some((c) => c[1] !== undefined), `${alert}: a case where it does not fire`);
    assert.ok(cases.some((c) => c[1] === undefined), `${alert}: a case where it fires`);
  }
  const run = promtool(['test', 'rules', RULE_TESTS]);
  assert.is(run.code, 0, run.output);
  assert.match(run.output, /SUCCESS/);
});

test('the unit tests catch a wrong threshold: with GPU too hot at 95 °C instead of 85 °C they fail', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'widgets-rules-'));
  try {
    writeFileSync(path.join(dir, 'widgets.rules.yml'), readFileSync(RULES, 'utf8').replace('widgets_gpu_temperature_celsius > 85', 'widgets_gpu_temperature_celsius > 95'));
    copyFileSync(RULE_TESTS, path.join(dir, 'widgets.rules.test.yml'));
    const run = promtool(['test', 'rules', 'widgets.rules.test.yml'], dir);
    assert.is(run.code, 1, run.output);
    assert.match(run.output, /WidgetsGpuTooHot/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A dashboard panel's first query with the instance variable at Grafana's "All" (`.+`). */
function panelQuery(title: string): string {
  const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'deploy', 'grafana', 'widgets-fleet.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
  const expr = dashboard.panels.find((p) => p.title === title)?.targets?.[0]?.expr;
  assert.ok(expr, `a "${title}" panel`);
  return expr.replaceAll('$instance', '.+');
}

test('the dashboard\'s GPU queries on made-up series: asleep is shown as asleep (not 0 % busy), a GPU whose platform does not say as "not reported"', () => {
  // Machine a: an AMD GPU awake, asleep from 2m to 3m (usage reads 0 then, as the service sends it),
  // awake again. Machine b: an NVIDIA GPU with no runtime PM in sysfs (no widgets_gpu_suspended).
  const a = 'instance="a:8765",job="widgets",gpu="0",uuid="",name="AMD Radeon 780M",vendor="amd"';
  const b = 'instance="b:8765",job="widgets",gpu="0",uuid="GPU-b0",name="NVIDIA L40S",vendor="nvidia"';
  const yaml = `
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - { series: 'widgets_gpu_info{${a},pci_bus_id="0000:c5:00.0",driver_version=""}', values: '1x5' }
      - { series: 'widgets_gpu_suspended{${a}}', values: '0 0 1 1 0 0' }
      - { series: 'widgets_gpu_utilization_ratio{${a}}', values: '0.5 0.4 0 0 0.3 0.3' }
      - { series: 'widgets_gpu_info{${b},pci_bus_id="00000000:01:00.0",driver_version="595.80"}', values: '1x5' }
      - { series: 'widgets_gpu_utilization_ratio{${b}}', values: '0.9x5' }
    promql_expr_test:
      - expr: '${panelQuery('GPU power state')}'
        eval_time: 1m
        exp_samples:
          - { labels: 'widgets_gpu_suspended{${a}}', value: 0 }
          - { labels: '{${b}}', value: -1 }
      - expr: '${panelQuery('GPU power state')}'
        eval_time: 2m
        exp_samples:
          - { labels: 'widgets_gpu_suspended{${a}}', value: 1 }
          - { labels: '{${b}}', value: -1 }
      - expr: '${panelQuery('GPU usage')}'
        eval_time: 2m
        exp_samples:
          - { labels: 'widgets_gpu_utilization_ratio{${b}}', value: 0.9 }
      - expr: '${panelQuery('GPU usage')}'
        eval_time: 4m
        exp_samples:
          - { labels: 'widgets_gpu_utilization_ratio{${a}}', value: 0.3 }
          - { labels: 'widgets_gpu_utilization_ratio{${b}}', value: 0.9 }
`;
  const dir = mkdtempSync(path.join(tmpdir(), 'widgets-panels-'));
  try {
    writeFileSync(path.join(dir, 'panels.test.yml'), yaml);
    const run = promtool(['test', 'rules', 'panels.test.yml'], dir);
    assert.is(run.code, 0, `${run.output}\n---\n${yaml}`);
    assert.match(run.output, /SUCCESS/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The README's YAML blocks that are a prometheus.yml (their first line says so). */
function readmeConfigs(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```yaml\n(# (?:\/etc\/prometheus\/)?prometheus\.yml\n[\s\S]*?)```/g)].map((m) => m[1]!);
}

test('promtool check config passes on every Prometheus configuration in the README (with the files it names in place)', () => {
  const configs = readmeConfigs();
  assert.ok(configs.length >= 2, `${configs.length} configurations found`);
  assert.ok(configs.some((c) => /scheme: https/.test(c) && /ca_file:/.test(c) && /credentials_file:/.test(c) && /rule_files:/.test(c)),
    'one scrapes with TLS and a token and loads the rules');
  for (const config of configs) {
    const dir = mkdtempSync(path.join(tmpdir(), 'widgets-promcfg-'));
    try {
      // Absolute paths under /etc/prometheus point into the temp dir, where the files are made:
      // the rules are the shipped file, the CA is a real certificate, the token a line of text.
      const local = config.replaceAll('/etc/prometheus/', `${dir}/`);
      for (const m of local.matchAll(new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([\\w.-]+)`, 'g'))) {
        const file = path.join(dir, m[1]!);
        if (m[1] === 'widgets.rules.yml') copyFileSync(RULES, file);
        else if (m[1]!.endsWith('.pem')) makeCa(file);
        else writeFileSync(file, 'a-token-of-sixteen-characters-or-more\n');
      }
      writeFileSync(path.join(dir, 'prometheus.yml'), local);
      const run = promtool(['check', 'config', path.join(dir, 'prometheus.yml')], dir);
      assert.is(run.code, 0, `${run.output}\n---\n${config}`);
      assert.match(run.output, /SUCCESS/);
      if (/rule_files:/.test(config)) assert.match(run.output, /SUCCESS: 12 rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

function makeCa(file: string): void {
  const key = `${file}.key`;
  const run = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', key, '-out', file, '-subj', '/CN=widgets-readme-ca'], { stdio: 'ignore' });
  assert.is(run.status, 0, 'openssl made a CA');
}

test.run();
