// The real gpuCollector choosing AMD back-ends: rocm-smi and amd-smi stand-ins on PATH, sysfs trees.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gpuCollector } from '../../../lib/collectors/gpu/index.js';
import { fallbackGpu } from '../../../lib/collectors/gpu/fallback.js';
import { MIB } from '../../../lib/collectors/gpu/units.js';
import { fakeGpuPath, fixture, type FakeGpuPath } from '../../helpers/fake-gpu-path.js';
import { realCtx, samples, samplesUntil } from '../../helpers/gpu-collector.js';
import { gpuTree } from '../../helpers/gpu-trees.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const test = suite<{ fake?: FakeGpuPath }>('amd and fallback collectors');
test.after.each((ctx) => { ctx.fake?.cleanup(); ctx.fake = undefined; });

test('rocm-smi --json (4× MI100): four GPUs, asked once per tick with --json', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_ROCM_SMI_OUT: fixture('rocm-smi/rocm-smi-all-mi100x4-rocm6.0.2.json') }, ['rocm-smi']));
  const got = await samples(gpuCollector(realCtx(), { env: fake.env }), 2);
  assert.ok(got.every((s) => s.ok && s.source === 'rocm-smi'), JSON.stringify(got[0]));
  assert.is(got[1]!.value.length, 4);
  assert.ok(got[1]!.value.every((g) => g.vendor === 'amd' && g.memoryTotal === 34342961152 && g.memory.total === 34342961152));
  const calls = fake.calls();
  assert.ok(calls.every((c) => c[0] === 'rocm-smi' && c.includes('--json')));
});

test('no rocm-smi: amd-smi metric + static (RX 6600)', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({
    FAKE_AMD_SMI_METRIC_OUT: fixture('amd-smi/amd-smi-metric-json-rx6600-array-format.json'),
    FAKE_AMD_SMI_STATIC_OUT: fixture('amd-smi/amd-smi-static-json-rx6600-array-format.json'),
  }, ['amd-smi']));
  const got = await samples(gpuCollector(realCtx(), { env: fake.env }), 2);
  const g = got[1]!.value[0]!;
  assert.is(got[1]!.source, 'amd-smi');
  assert.equal([g.name, g.usage, g.memoryTotal, g.memoryUsed, g.temperature, g.powerDraw], ['Navi 23 [Radeon RX 6600/6600 XT', 1, 8176 * MIB, 202 * MIB, 36, 6]);
  const subs = fake.calls().map((c) => c[1]);
  assert.is(subs.filter((s) => s === 'static').length, 1, 'static is asked once');
});

test('Linux with amdgpu in sysfs: read the files, ask rocm-smi only once for the product name', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_ROCM_SMI_OUT: fixture('rocm-smi/rocm-smi-showallinfo-json-rx6600-via-jq.json') }, ['rocm-smi']));
  const got = await samples(gpuCollector(realCtx({ sysRoot: fixture('sysfs/handmade-rx6600') }), { env: fake.env, vendor: 'amd' }), 3);
  assert.ok(got.every((s) => s.ok && /^amdgpu sysfs( \+ fdinfo|$)/.test(s.source!)), got[0]!.source);
  const g = got[2]!.value[0]!;
  assert.equal([g.name, g.usage, g.memoryTotal, g.temperature, g.powerDraw], ['Navi 23 [Radeon RX 6600/6600 XT/6600M]', 37, 8573157376, 36, 6]);
  assert.is(fake.calls().length, 1);
});

test('amdgpu sysfs + fdinfo: the first reading lists the processes; two processes sharing one DRM client count once', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({}, []));
  const root = gpuTree('amd-shared-client');
  const [first] = await samples(gpuCollector(realCtx({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), primeMs: 100 }), { env: fake.env }), 1);
  assert.is(first!.source, 'amdgpu sysfs + fdinfo');
  const g = first!.value[0]!;
  assert.equal([g.vendor, g.pciBusId, g.usage, g.powerState], ['amd', '0000:03:00.0', 37, 'active']);
  assert.equal(g.processes, [
    { pid: 3100, name: 'llama-server', usedMemory: 5 * 1024 * MIB, usage: 0 },
    { pid: 1500, name: 'gnome-shell', usedMemory: 256 * MIB, usage: 0 },
  ]);
});

test('a runtime-suspended AMD card: not read past its identity and VRAM size (usage 0, sensors null), rocm-smi not asked for names until it wakes', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_ROCM_SMI_OUT: fixture('rocm-smi/rocm-smi-showallinfo-json-rx6600-via-jq.json') }, ['rocm-smi']));
  const root = gpuTree('amd-shared-client');
  const status = join(root, 'sys/bus/pci/devices/0000:03:00.0/power/runtime_status');
  writeFileSync(status, 'suspended\n');
  const got = await samples(gpuCollector(realCtx({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys') }), { env: fake.env, vendor: 'amd' }), 3);
  const g = got[2]!.value[0]!;
  assert.equal([g.powerState, g.usage, g.memoryTotal, g.memoryUsed, g.temperature, g.powerDraw, g.clockCore, g.processes],
    ['suspended', 0, 8573157376, null, null, null, null, []]);
  assert.is(fake.calls().length, 0, 'no rocm-smi while it sleeps');
  writeFileSync(status, 'active\n');
  const awake = await samples(gpuCollector(realCtx({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys') }), { env: fake.env, vendor: 'amd' }), 1);
  assert.is(awake[0]!.value[0]!.powerState, 'active');
  assert.is(fake.calls().length, 1, 'asked once it is awake');
});

test('rocm-smi failing: [] with ok:false and its first line', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_ROCM_SMI_FAIL: 'ERROR:root:Driver not initialized (amdgpu not found in modules)' }, ['rocm-smi']));
  const [s] = await samples(gpuCollector(realCtx(), { env: fake.env }), 1);
  assert.equal(s!.value, []);
  assert.is(s!.ok, false);
  assert.match(s!.error!, /^rocm-smi .* exited with code 2: ERROR:root:Driver not initialized/);
});

test('rocm-smi hanging: the first sample still comes within timeoutMs', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_ROCM_SMI_HANG: '1' }, ['rocm-smi']));
  const [s] = await samples(gpuCollector(realCtx({ timeoutMs: 300 }), { env: fake.env }), 1);
  assert.equal([s!.value, s!.ok, s!.error], [[], false, 'rocm-smi: no answer yet']);
  assert.ok(s!.t < 600);
});

test('NVIDIA working and ROCm tools installed without an AMD GPU: ok, the AMD failure named in source', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({
    FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv'),
    FAKE_ROCM_SMI_FAIL: 'ERROR:root:Driver not initialized (amdgpu not found in modules)',
  }, ['nvidia-smi', 'rocm-smi']));
  const got = await samplesUntil(gpuCollector(realCtx(), { env: fake.env }), (s) => s.source?.startsWith('nvidia-smi loop') ?? false);
  const last = got.at(-1)!;
  assert.is(last.ok, true, JSON.stringify(last));
  assert.is(last.value.length, 1);
  assert.is(last.value[0]!.vendor, 'nvidia');
  assert.match(last.source ?? "", /^nvidia-smi loop \(also tried, failed: rocm-smi .*Driver not initialized/, String(last.source));
});

test('both back-ends failing: ok:false with both reasons', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({
    FAKE_NVIDIA_SMI_FAIL: 'No devices were found',
    FAKE_ROCM_SMI_FAIL: 'ERROR:root:Driver not initialized (amdgpu not found in modules)',
  }, ['nvidia-smi', 'rocm-smi']));
  const got = await samples(gpuCollector(realCtx(), { env: fake.env }), 2);
  const last = got[1]!;
  assert.is(last.ok, false);
  assert.equal(last.value, []);
  assert.match(last.error ?? '', /No devices were found/);
  assert.match(last.error ?? '', /Driver not initialized/);
});

test('no tool at all: systeminformation names the real GPU, with null readings (no invented "Integrated GPU")', async () => {
  const graphics = async () => ({ controllers: [
    { vendor: 'Intel Corporation', model: 'UHD Graphics 620', bus: 'Onboard', vram: 1536, vramDynamic: true },
    { vendor: '', model: '', bus: '', vram: null, vramDynamic: false },
  ] });
  const [s] = await samples(fallbackGpu(realCtx(), { graphics }), 1);
  assert.is(s!.ok, true);
  assert.is(s!.source, 'systeminformation');
  assert.equal(s!.value.map((g) => [g.name, g.vendor, g.usage, g.memoryTotal, g.temperature, g.powerDraw]), [['UHD Graphics 620', 'intel', null, null, null, null]]);
});

test('no tool at all, through gpuCollector: answers from systeminformation (or says it has no answer yet)', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({}, []));
  const [s] = await samples(gpuCollector(realCtx({ timeoutMs: 300 }), { env: fake.env }), 1, 20_000);
  assert.is(s!.source, 'systeminformation');
  if (!s!.ok) assert.is(s!.error, 'systeminformation: no answer yet');
  assert.ok(s!.value.every((g) => g.name.length > 0 && g.name !== 'Integrated GPU'));
});

test.run();
