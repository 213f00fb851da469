// The built service with the nvidia-smi stand-in first on PATH: /api/stats/gpu carries what the
// captures say, in both the nested (README) and flat (what ClaraVerse reads) memory fields.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { getJson, startService } from '../helpers/service.js';
import { fakeGpuPath, fixture } from '../helpers/fake-gpu-path.js';
import { connect } from '../helpers/ws-client.js';

const MIB = 1048576;

async function gpuOnce(vars: Record<string, string>, until: (gpu: any[], health: any) => boolean) {
  const fake = fakeGpuPath(vars, ['nvidia-smi'], true);
  const service = await startService(['--interval', '300ms'], fake.env);
  try {
    const deadline = Date.now() + 8000;
    for (;;) {
      const res = await getJson(`${service.url}/api/stats/gpu`);
      assert.is(res.status, 200);
      const health = (await getJson(`${service.url}/api/health`)).body as any;
      if (until(res.body, health) || Date.now() > deadline) return { gpu: res.body as any[], health };
      await new Promise((r) => setTimeout(r, 150));
    }
  } finally {
    await service.stop();
    fake.cleanup();
  }
}

const CASES: [string, string[], { name: string; total: number; used: number; free: number; temp: number; power: number; usage: number | null }[]][] = [
  ['H100 MIG', ['query-gpu-all-fields-h100-mig-590.48.01-load.csv'],
    [{ name: 'NVIDIA H100 80GB HBM3', total: 81559, used: 11125, free: 69956, temp: 53, power: 433.78, usage: null }]],
  ['L40S + RTX 4080 SUPER', ['query-gpu-all-fields-l40s-595.80-load.csv', 'query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv'],
    [{ name: 'NVIDIA L40S', total: 46068, used: 1235, free: 44225, temp: 54, power: 110.23, usage: 9 },
     { name: 'NVIDIA GeForce RTX 4080 SUPER', total: 16376, used: 1474, free: 14470, temp: 46, power: 84.24, usage: 7 }]],
  ['RTX 2080 SUPER on Windows', ['query-gpu-all-fields-rtx2080super-windows-610.62-idle.csv'],
    [{ name: 'NVIDIA GeForce RTX 2080 SUPER', total: 8192, used: 797, free: 7191, temp: 40, power: 39.25, usage: 0 }]],
];

for (const [label, files, expected] of CASES) {
  test(`/api/stats/gpu with ${label}: nested and flat memory, nulls for what the tool cannot give`, async () => {
    const csv = files.map((f) => fixture(`nvidia-smi/${f}`)).join(':');
    const { gpu } = await gpuOnce({ FAKE_NVIDIA_SMI_CSV: csv }, (g) => Array.isArray(g) && g.length === expected.length);
    assert.is(gpu.length, expected.length);
    expected.forEach((e, i) => {
      const g = gpu[i];
      assert.is(g.name, e.name);
      assert.is(g.usage, e.usage);
      assert.equal(g.memory, { total: e.total * MIB, used: e.used * MIB, free: e.free * MIB, usedPercent: Math.round((e.used / e.total) * 10000) / 100 });
      assert.equal([g.memoryTotal, g.memoryUsed, g.memoryFree, g.memoryPercent], [g.memory.total, g.memory.used, g.memory.free, g.memory.usedPercent]);
      assert.is(g.temperature, e.temp);
      assert.is(g.powerDraw, e.power);
      assert.is(g.index, i);
      for (const k of ['fanSpeed', 'clockCore', 'clockMemory']) assert.ok(g[k] === null || typeof g[k] === 'number', k);
    });
  });
}

test('/api/stats/gpu when the driver is gone: [] and health says why in one line', async () => {
  const text = readFileSync(fixture('nvidia-smi/error-driver-not-loaded.txt'), 'utf8').trimEnd();
  // Until the tool has answered, the reason is the prompt placeholder's "no answer yet".
  const { gpu, health } = await gpuOnce({ FAKE_NVIDIA_SMI_FAIL: text }, (_g, h) => h.collectors.gpu.reason !== 'nvidia-smi: no answer yet');
  assert.equal(gpu, []);
  const h = health.collectors.gpu;
  assert.is(h.state, 'error');
  assert.is(h.reason, 'nvidia-smi: cannot talk to the NVIDIA driver (is it installed and loaded?)');
});

test('the first WebSocket message with GPUs already lists each GPU\'s processes (RTX 4080 SUPER under load)', async () => {
  const fake = fakeGpuPath({
    FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv'),
    FAKE_NVIDIA_SMI_APPS: fixture('nvidia-smi/compute-apps-rtx4080super-linux-595.71.05-load.csv'),
  }, ['nvidia-smi'], true);
  const service = await startService(['--interval', '500ms'], fake.env);
  try {
    const client = await connect(`${service.url.replace('http', 'ws')}/ws/stats`);
    const [first] = await client.waitFor((m) => Array.isArray(m.json?.gpu) && m.json.gpu.length > 0, 1, 8000);
    const gpu = first!.json.gpu[0];
    assert.equal(gpu.processes, [
      { pid: 2165, name: '/usr/bin/kwin_wayland', usedMemory: 25 * MIB },
      { pid: 5022, name: 'ffmpeg', usedMemory: 503 * MIB },
      { pid: 5021, name: 'ffmpeg', usedMemory: 360 * MIB },
    ]);
    const later = await client.waitFor((m) => Array.isArray(m.json?.gpu) && m.json.gpu.length > 0, 3, 8000);
    assert.ok(later.every((m) => Array.isArray(m.json.gpu[0].processes) && m.json.gpu[0].processes.length === 3), 'and every later one');
    await client.close();
  } finally {
    await service.stop();
    fake.cleanup();
  }
});

test.run();
