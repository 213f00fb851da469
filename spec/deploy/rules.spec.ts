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
  assert.match(run.output, /SUCCESS: 9 rules found/);
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
      if (/rule_files:/.test(config)) assert.match(run.output, /SUCCESS: 9 rules found/);
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
