// Every GPU capture that answers a question the service asks, end to end: the stand-in tool
// replays it first on PATH, the real collector spawns and streams it, and the real server answers
// GET /api/stats/gpu. (Captures of fields the service never asks for, `-L` and the raw loop
// transcript are covered by the parser specs in spec/collectors/gpu.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMonitor } from '../../lib/monitor.js';
import { createServer } from '../../lib/server.js';
import { parseNvidiaXml } from '../../lib/collectors/gpu/nvidia-xml.js';
import { parseRocmSmiJson } from '../../lib/collectors/gpu/rocm-json.js';
import { fakeGpuPath, fixture, GPU_FIXTURES, type FakeTool } from '../helpers/fake-gpu-path.js';

const MIB = 1048576;
const test = suite('GPU captures end to end');
const scratch = mkdtempSync(join(tmpdir(), 'gpu-replay-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

interface Answer {
  gpu: any[];
  health: { state: string; reason?: string; source?: string };
}

/** Serves a monitor whose GPU tools are the stand-ins, and reads /api/stats/gpu until `done`. */
async function serve(vars: Record<string, string>, tools: FakeTool[], done: (a: Answer) => boolean): Promise<Answer> {
  const fake = fakeGpuPath(vars, tools);
  const monitor = createMonitor({ intervalMs: 300, lingerMs: 30_000, gpu: { env: fake.env, processIntervalMs: 500 }, sysRoot: '/nonexistent-sys' });
  const server = await createServer(monitor, { port: 0 });
  try {
    const deadline = Date.now() + 8000;
    for (;;) {
      const res = await fetch(`${server.url}/api/stats/gpu`);
      assert.is(res.status, 200);
      const gpu = (await res.json()) as any[];
      const health = ((await (await fetch(`${server.url}/api/health`)).json()) as any).collectors.gpu;
      const answer = { gpu, health };
      if (done(answer) || Date.now() > deadline) return answer;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await server.close();
    monitor.close();
    fake.cleanup();
  }
}

/** An independent reading of a `--query-gpu` capture: header names, and per row name → raw value. */
function readCapture(text: string, header?: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = (header ?? lines.shift()!).split(', ').map((h) => h.replace(/\s*\[.*\]$/, '').trim());
  return lines.map((l) => Object.fromEntries(l.split(', ').map((v, i) => [head[i]!, v.trim()])));
}

/** What a reader of the capture expects: the number, units stripped, or null for any N/A spelling. */
function reading(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const m = /^(-?\d+(?:\.\d+)?)(?: ?(?:MiB|%|W|MHz|C))?$/.exec(raw.trim());
  return m ? Number(m[1]) : null;
}

function checkAgainstCapture(gpu: any[], rows: Record<string, string>[]) {
  assert.is(gpu.length, rows.length, 'one entry per GPU row');
  rows.forEach((row, i) => {
    const g = gpu[i];
    const name = row['name'] ?? row['gpu_name'];
    if (name !== undefined) assert.is(g.name, name, 'name');
    const mib = (k: string) => (reading(row[k]) === null ? null : reading(row[k])! * MIB);
    // A capture without a memory.total column (P100): the board's memory is what is used plus free.
    const total = 'memory.total' in row ? mib('memory.total') : mib('memory.used') !== null && mib('memory.free') !== null ? mib('memory.used')! + mib('memory.free')! : null;
    assert.is(g.memoryTotal, total, 'memoryTotal');
    assert.is(g.memory.total, g.memoryTotal, 'nested and flat agree');
    assert.is(g.memoryUsed, mib('memory.used'), 'memoryUsed');
    assert.is(g.memory.used, g.memoryUsed);
    assert.is(g.memoryFree, mib('memory.free'), 'memoryFree');
    assert.is(g.memory.free, g.memoryFree);
    assert.is(g.usage, reading(row['utilization.gpu']), 'usage');
    assert.is(g.temperature, reading(row['temperature.gpu']), 'temperature');
    assert.is(g.fanSpeed, reading(row['fan.speed']), 'fanSpeed');
    assert.is(g.powerDraw, reading(row['power.draw']), 'powerDraw');
    assert.is(g.clockCore, reading(row['clocks.current.graphics'] ?? row['clocks.gr']), 'clockCore');
    assert.is(g.memoryPercent, g.memory.usedPercent, 'memoryPercent');
    if (g.memoryTotal && g.memoryUsed !== null) assert.ok(Math.abs(g.memoryPercent - (100 * g.memoryUsed) / g.memoryTotal) < 0.01);
    for (const [k, v] of Object.entries(g)) assert.ok(typeof v !== 'number' || Number.isFinite(v), `${k} is never NaN`);
  });
}

const nvidiaDir = join(GPU_FIXTURES, 'nvidia-smi');
const withHeader = readdirSync(nvidiaDir).filter((f) => f.startsWith('query-gpu-') && !f.includes('noheader'));

for (const file of withHeader) {
  test(`nvidia-smi ${file}`, async () => {
    const text = readFileSync(join(nvidiaDir, file), 'utf8');
    const rows = readCapture(text);
    const answer = await serve({ FAKE_NVIDIA_SMI_CSV: join(nvidiaDir, file) }, ['nvidia-smi'], (a) => a.gpu.length === rows.length && a.health.state === 'ok');
    assert.is(answer.health.state, 'ok', answer.health.reason);
    checkAgainstCapture(answer.gpu, rows);
  });
}

// Header-less captures: the stand-in needs the header their command printed without `noheader`;
// it is rebuilt from the command recorded in the fixture README (the capture bytes are untouched).
const HEADERS: Record<string, string> = {
  'query-gpu-2gb-card-noheader-nounits-bracket-na.csv': 'memory.total [MiB], memory.free [MiB], memory.used [MiB], temperature.gpu, fan.speed [%], utilization.gpu [%], utilization.memory [%]',
  'query-gpu-2gb-card-noheader-nounits-not-supported-older-driver.csv': 'memory.total [MiB], memory.free [MiB], memory.used [MiB], temperature.gpu, fan.speed [%], utilization.gpu [%], utilization.memory [%]',
  'query-gpu-8gpus-gtx1080ti-gtx1080-csv-noheader-unknown-error.csv': 'name, utilization.gpu [%], utilization.memory [%], temperature.gpu, power.draw [W], power.limit [W], fan.speed [%], pstate, clocks.current.graphics [MHz], clocks.current.memory [MHz], power.max_limit [W], power.default_limit [W]',
  'query-gpu-gtx770-windows-csv-noheader-not-supported.csv': 'name, utilization.gpu [%], utilization.memory [%], temperature.gpu, power.draw [W], power.limit [W], fan.speed [%], pstate, clocks.current.graphics [MHz], clocks.current.memory [MHz], power.max_limit [W], power.default_limit [W]',
  'query-gpu-rtx2080-440.64-noheader-nounits-bare-na.csv': 'power.limit [W], power.min_limit [W], power.max_limit [W], memory.total [MiB], vbios_version, driver_version, name, uuid, power.draw [W], temperature.gpu, temperature.memory, clocks.current.graphics [MHz], clocks.current.sm [MHz], clocks.current.memory [MHz], utilization.gpu [%], utilization.memory [%], fan.speed [%], pcie.link.width.current, pstate',
};

for (const [file, header] of Object.entries(HEADERS)) {
  test(`nvidia-smi ${file} (header from its recorded command)`, async () => {
    const text = readFileSync(join(nvidiaDir, file), 'utf8');
    const replay = join(scratch, file);
    writeFileSync(replay, `${header}\n${text}`);
    const rows = readCapture(text, header);
    const answer = await serve({ FAKE_NVIDIA_SMI_CSV: replay }, ['nvidia-smi'], (a) => a.gpu.length === rows.length && a.health.state === 'ok');
    if (!rows.some((r) => r['name'] !== undefined)) {
      // The driver is asked for `name` and this capture has none: nothing to show, and health says why.
      assert.is(answer.health.state, 'error');
      return;
    }
    assert.is(answer.health.state, 'ok', answer.health.reason);
    checkAgainstCapture(answer.gpu, rows);
  });
}

const APPS: [string, string, number][] = [
  ['compute-apps-h100-mig-590.48.01-load.csv', 'query-gpu-all-fields-h100-mig-590.48.01-load.csv', -1],
  ['compute-apps-h100-mig-590.48.01-idle-empty.csv', 'query-gpu-all-fields-h100-mig-590.48.01-load.csv', 0],
  ['compute-apps-rtx4080super-linux-595.71.05-load.csv', 'query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv', -1],
  ['compute-apps-rtx2080super-windows-591.86-idle.csv', 'query-gpu-all-fields-rtx2080super-windows-610.62-idle.csv', -1],
];

test('nvidia-smi compute-apps-vgpu-host-gpu_uuid-name-csv.csv: a process query the tool cannot answer holds nothing back', async () => {
  // This capture has only gpu_uuid and process_name; the service asks for pid and memory too.
  const answer = await serve({
    FAKE_NVIDIA_SMI_CSV: join(nvidiaDir, 'query-gpu-all-fields-h100-590.48.01-load.csv'),
    FAKE_NVIDIA_SMI_APPS: join(nvidiaDir, 'compute-apps-vgpu-host-gpu_uuid-name-csv.csv'),
  }, ['nvidia-smi'], (a) => a.health.state === 'ok' && a.gpu.length === 1);
  assert.is(answer.health.state, 'ok');
  assert.is(answer.gpu[0].name, 'NVIDIA H100 80GB HBM3');
  assert.is(answer.gpu[0].processes, null, 'unknown (null), not an invented empty list');
});

for (const [apps, gpuCsv, expected] of APPS) {
  test(`nvidia-smi ${apps}: processes joined to their GPU by UUID`, async () => {
    const lines = readFileSync(join(nvidiaDir, apps), 'utf8').split(/\r?\n/).filter((l) => l.trim());
    const capturedRows = lines.length - 1;
    const want = expected === -1 ? capturedRows : expected;
    const answer = await serve({ FAKE_NVIDIA_SMI_CSV: join(nvidiaDir, gpuCsv), FAKE_NVIDIA_SMI_APPS: join(nvidiaDir, apps) }, ['nvidia-smi'],
      (a) => Array.isArray(a.gpu[0]?.processes) && a.gpu[0].processes.length === want);
    const procs = answer.gpu[0].processes as any[];
    assert.is(procs.length, want, 'processes of this GPU (none when the UUIDs belong to other GPUs)');
    for (const p of procs) {
      assert.ok(Number.isInteger(p.pid) && p.pid > 0);
      assert.type(p.name, 'string');
      assert.ok(p.usedMemory === null || p.usedMemory % MIB === 0, 'used memory in bytes');
    }
  });
}

const xmlFiles = readdirSync(nvidiaDir).filter((f) => f.startsWith('xml-'));
for (const file of xmlFiles) {
  test(`nvidia-smi -q -x ${file} (a driver that rejects the query fields)`, async () => {
    const xml = readFileSync(join(nvidiaDir, file), 'utf8');
    const expected = parseNvidiaXml(xml);
    // A replay whose "header" is a data row: the stand-in rejects every field, `name` included.
    const answer = await serve({
      FAKE_NVIDIA_SMI_CSV: join(nvidiaDir, 'query-gpu-temperature.memory-noheader-nounits-bare-na.csv'),
      FAKE_NVIDIA_SMI_XML: join(nvidiaDir, file),
    }, ['nvidia-smi'], (a) => a.health.state === 'ok' && a.gpu.length === expected.length);
    assert.is(answer.health.source, 'nvidia-smi -q -x');
    assert.is(answer.gpu.length, (xml.match(/<gpu id=/g) ?? []).length, 'one entry per <gpu> element');
    assert.equal(answer.gpu, JSON.parse(JSON.stringify(expected)), 'what the server sends is what the parser read');
    const names = [...xml.matchAll(/<product_name>([^<]*)<\/product_name>/g)].map((m) => m[1]!.trim());
    assert.equal(answer.gpu.map((g) => g.name), names.slice(0, answer.gpu.length), 'names as the XML gives them');
  });
}

const errorFiles = readdirSync(nvidiaDir).filter((f) => f.startsWith('error-'));
for (const file of errorFiles) {
  test(`nvidia-smi failing with ${file}: [] and one line in /api/health`, async () => {
    const text = readFileSync(join(nvidiaDir, file), 'utf8').trimEnd();
    const answer = await serve({ FAKE_NVIDIA_SMI_FAIL: text }, ['nvidia-smi'], (a) => a.health.state === 'error' && a.health.reason !== 'nvidia-smi: no answer yet');
    assert.equal(answer.gpu, []);
    assert.is(answer.health.state, 'error');
    assert.match(answer.health.reason ?? '', /^nvidia-smi/);
    assert.not.match(answer.health.reason ?? '', /\n/, 'one line');
  });
}

const rocmDir = join(GPU_FIXTURES, 'rocm-smi');
for (const file of readdirSync(rocmDir)) {
  test(`rocm-smi ${file}`, async () => {
    const text = readFileSync(join(rocmDir, file), 'utf8');
    const json = file.endsWith('.json');
    const answer = await serve({ FAKE_ROCM_SMI_OUT: join(rocmDir, file) }, ['rocm-smi'], (a) => a.health.state !== 'ok' ? a.health.reason !== 'rocm-smi: no answer yet' && a.health.state === 'error' : a.gpu.length > 0);
    if (!json) {
      // The service asks for --json; a CSV answer is not what it asked for: [] and a reason.
      assert.equal(answer.gpu, []);
      assert.is(answer.health.state, 'error');
      return;
    }
    const expected = parseRocmSmiJson(text);
    const cards = Object.keys(JSON.parse(text)).filter((k) => /^card\d+$/i.test(k)).length;
    assert.is(answer.health.state, 'ok', answer.health.reason);
    assert.is(answer.gpu.length, cards, 'one entry per card');
    assert.equal(answer.gpu, JSON.parse(JSON.stringify(expected)));
    for (const g of answer.gpu) {
      assert.is(g.vendor, 'amd');
      assert.equal([g.memoryTotal, g.memoryUsed], [g.memory.total, g.memory.used]);
    }
  });
}

test('amd-smi metric + static (RX 6600), through the real server', async () => {
  const answer = await serve({
    FAKE_AMD_SMI_METRIC_OUT: fixture('amd-smi/amd-smi-metric-json-rx6600-array-format.json'),
    FAKE_AMD_SMI_STATIC_OUT: fixture('amd-smi/amd-smi-static-json-rx6600-array-format.json'),
  }, ['amd-smi'], (a) => a.health.state === 'ok' && a.gpu.length === 1);
  assert.is(answer.health.source, 'amd-smi');
  const g = answer.gpu[0];
  assert.equal([g.name, g.usage, g.memoryTotal, g.memoryUsed, g.temperature, g.powerDraw], ['Navi 23 [Radeon RX 6600/6600 XT', 1, 8176 * MIB, 202 * MIB, 36, 6]);
});

for (const file of ['amd-smi-static-json-mi210-gpu_data-format.json', 'amd-smi-static-json-strix-halo-apu-array-format.json']) {
  test(`amd-smi static ${file} without metric: the name is known, readings are not`, async () => {
    const answer = await serve({
      FAKE_AMD_SMI_METRIC_OUT: fixture('amd-smi/amd-smi-metric-json-rx6600-array-format.json'),
      FAKE_AMD_SMI_STATIC_OUT: fixture(`amd-smi/${file}`),
    }, ['amd-smi'], (a) => a.health.state === 'ok' && a.gpu.length >= 1);
    assert.is(answer.health.state, 'ok', answer.health.reason);
    assert.ok(answer.gpu.every((g) => typeof g.name === 'string' && g.name.length > 0 && g.vendor === 'amd'));
  });
}

test.run();
