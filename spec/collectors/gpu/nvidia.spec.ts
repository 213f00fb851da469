// The real gpuCollector with the nvidia-smi stand-in first on PATH: real spawn, stream and parse.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { gpuCollector } from '../../../lib/collectors/gpu/index.js';
import { MIB } from '../../../lib/collectors/gpu/units.js';
import { fakeGpuPath, fixture, type FakeGpuPath } from '../../helpers/fake-gpu-path.js';
import { realCtx, samples, samplesUntil } from '../../helpers/gpu-collector.js';
import { gone, sleep } from '../../helpers/wait.js';

const H100_MIG = fixture('nvidia-smi/query-gpu-all-fields-h100-mig-590.48.01-load.csv');
const L40S = fixture('nvidia-smi/query-gpu-all-fields-l40s-595.80-load.csv');
const APPS = fixture('nvidia-smi/compute-apps-h100-mig-590.48.01-load.csv');
const errorText = (name: string) => readFileSync(fixture(`nvidia-smi/${name}`), 'utf8').trimEnd();

const test = suite<{ fake?: FakeGpuPath }>('nvidia collector');
test.after.each((ctx) => { ctx.fake?.cleanup(); ctx.fake = undefined; });

const isLoop = (args: string[]) => args.some((a) => a.startsWith('--loop-ms='));
const isQuery = (args: string[]) => args.some((a) => a.startsWith('--query-gpu='));

test('loop mode: one long-lived nvidia-smi for many samples, parsed, and gone after unsubscribe', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100_MIG }, ['nvidia-smi']));
  const got = await samples(gpuCollector(realCtx(), { env: fake.env, processIntervalMs: 0 }), 5);
  assert.ok(got.every((s) => s.ok), JSON.stringify(got.find((s) => !s.ok)));
  assert.is(got[0]!.source, 'nvidia-smi'); // the first query, which also counts the GPUs
  assert.ok(got.slice(1).every((s) => s.source === 'nvidia-smi loop'));
  const g = got[4]!.value[0]!;
  assert.equal([g.name, g.usage, g.memoryTotal, g.memory.total, g.memoryUsed, g.memory.used, g.temperature, g.powerDraw, g.fanSpeed],
    ['NVIDIA H100 80GB HBM3', null, 81559 * MIB, 81559 * MIB, 11125 * MIB, 11125 * MIB, 53, 433.78, null]);
  const calls = fake.calls().filter(isQuery);
  assert.is(calls.filter(isLoop).length, 1, 'one loop child for 4 loop samples');
  assert.is(calls.length, 2, 'the first query + the loop: no spawn per sample');
  assert.ok(calls[1]!.includes('--loop-ms=150'));
  const loopPid = fake.pids().find((p) => isLoop(p.args))!.pid;
  assert.ok(await gone([loopPid]), 'the loop child is killed on unsubscribe');
});

test('two GPUs (H100 + L40S): each block holds both, in index order', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: `${H100_MIG}:${L40S}` }, ['nvidia-smi']));
  const got = await samples(gpuCollector(realCtx(), { env: fake.env, processIntervalMs: 0 }), 4);
  for (const s of got) {
    assert.is(s.value.length, 2);
    assert.equal(s.value.map((g) => [g.index, g.name]), [[0, 'NVIDIA H100 80GB HBM3'], [1, 'NVIDIA L40S']]);
  }
  assert.is(got[3]!.value[1]!.memoryTotal, 46068 * MIB);
});

test('compute-apps on a slower cadence, joined to the GPU by UUID, already in the first reading', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100_MIG, FAKE_NVIDIA_SMI_APPS: APPS }, ['nvidia-smi']));
  const got = (await samplesUntil(gpuCollector(realCtx({ intervalMs: 100, timeoutMs: 2000 }), { env: fake.env, processIntervalMs: 2000 }),
    (() => { let n = 0; return (s) => s.ok && ++n === 8; })())).filter((s) => s.ok);
  const expected = [[21180, '/root/tools/memhog', 2296 * MIB], [21181, '/root/tools/memhog', 1272 * MIB], [21198, './gpu_burn', 7484 * MIB]];
  for (const s of got) assert.equal(s.value[0]!.processes?.map((p) => [p.pid, p.name, p.usedMemory]), expected, `${s.source} at ${s.t} ms`);
  assert.is(got[0]!.source, 'nvidia-smi', 'the very first reading (the probe) carries them');
  const apps = readFileSync(fake.appsLog, 'utf8').trim().split('\n');
  assert.is(apps.length, 1, `compute-apps ran ${apps.length} times for ${got.length} samples`);
});

test('`processes` is on every GPU from the first reading: null when off, [] when nothing runs', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100_MIG }, ['nvidia-smi'])); // compute-apps answers with no rows
  for (const [processIntervalMs, expected] of [[0, null], [2000, []]] as const) {
    const got = (await samplesUntil(gpuCollector(realCtx({ timeoutMs: 2000 }), { env: fake.env, processIntervalMs }), (s) => s.ok && s.source === 'nvidia-smi loop')).filter((s) => s.ok);
    assert.ok(got.length >= 2);
    for (const s of got) assert.equal(s.value.map((g) => g.processes), [expected], `${s.source}, processIntervalMs ${processIntervalMs}`);
  }
});

test('loop mode refused: falls back to one query per tick', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100_MIG, FAKE_NVIDIA_SMI_NO_LOOP: '1' }, ['nvidia-smi']));
  const got = await samples(gpuCollector(realCtx(), { env: fake.env, processIntervalMs: 0 }), 4);
  assert.ok(got.every((s) => s.ok));
  assert.ok(got.slice(1).every((s) => s.source === 'nvidia-smi'));
  const calls = fake.calls().filter(isQuery);
  assert.is(calls.filter(isLoop).length, 1, 'loop tried once');
  assert.ok(calls.filter((c) => !isLoop(c)).length >= 4, 'then one query per tick');
  assert.is(got[3]!.value[0]!.memoryTotal, 81559 * MIB);
});

for (const [file, reason] of [
  ['error-driver-not-loaded.txt', 'nvidia-smi: cannot talk to the NVIDIA driver (is it installed and loaded?)'],
  ['error-no-devices-found.txt', 'nvidia-smi: no NVIDIA GPU found (No devices were found)'],
  ['error-nvml-driver-library-mismatch-570.txt', 'nvidia-smi: driver/library version mismatch (NVML library 570.124); reboot or reload the driver'],
  ['error-libnvidia-ml-not-found.txt', 'nvidia-smi: libnvidia-ml.so not found (driver not installed properly)'],
] as const) {
  test(`driver failure (${file}): [] with ok:false and one line saying why`, async (ctx) => {
    const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_FAIL: errorText(file) }, ['nvidia-smi']));
    const [first] = await samples(gpuCollector(realCtx(), { env: fake.env }), 1);
    assert.equal(first!.value, []);
    assert.is(first!.ok, false);
    assert.is(first!.error, reason);
    assert.ok(first!.t < 400, `took ${first!.t} ms`);
  });
}

test('hang: the first sample comes within timeoutMs saying so; the hung child is killed', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_HANG: '1' }, ['nvidia-smi']));
  const got = await samples(gpuCollector(realCtx({ timeoutMs: 300 }), { env: fake.env, probeTimeoutMs: 700, backoff: { firstMs: 5000, maxMs: 5000 } }), 2);
  assert.equal([got[0]!.value, got[0]!.ok, got[0]!.error], [[], false, 'nvidia-smi: no answer yet']);
  assert.ok(got[0]!.t >= 250 && got[0]!.t < 600, `first sample at ${got[0]!.t} ms`);
  assert.match(got[1]!.error!, /^nvidia-smi --query-gpu=… --format=csv,noheader,nounits: no answer within 700 ms$/);
  assert.ok(await gone(fake.pids().map((p) => p.pid)));
});

test('crash mid-stream: [] + the reason, then restarted after a backoff, and back to good samples', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100_MIG, FAKE_NVIDIA_SMI_CRASH_AFTER: '3' }, ['nvidia-smi']));
  const got = await samplesUntil(
    gpuCollector(realCtx(), { env: fake.env, processIntervalMs: 0, backoff: { firstMs: 400, maxMs: 400 } }),
    (() => { let failed = false; return (s) => { if (!s.ok) failed = true; return failed && s.ok && s.source === 'nvidia-smi loop'; }; })(),
  );
  const crash = got.findIndex((s) => !s.ok);
  assert.ok(crash > 0);
  assert.equal(got[crash]!.value, []);
  assert.is(got[crash]!.error, 'nvidia-smi: GPU 0000:03:00.0 is lost; reboot to recover it (restarting)');
  const back = got[crash + 1]!;
  assert.ok(back.ok);
  assert.ok(back.t - got[crash]!.t >= 350, `restarted after ${back.t - got[crash]!.t} ms`);
  assert.is(fake.calls().filter(isLoop).length, 2);
  assert.ok(await gone(fake.pids().map((p) => p.pid)));
});

test('garbage in the stream: [] + "unexpected output", and the child is replaced', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100_MIG, FAKE_NVIDIA_SMI_GARBAGE: 'Segmentation fault (core dumped)' }, ['nvidia-smi']));
  const got = await samplesUntil(gpuCollector(realCtx(), { env: fake.env, processIntervalMs: 0, backoff: { firstMs: 200, maxMs: 200 } }), (s) => !s.ok);
  const bad = got.at(-1)!;
  assert.equal(bad.value, []);
  assert.match(bad.error!, /^nvidia-smi: unexpected output \(1 values where 18 were asked\): Segmentation fault/);
  await sleep(100);
  const first = fake.pids().find((p) => isLoop(p.args))!.pid;
  assert.ok(await gone([first]), 'the garbled child is killed');
});

test('a stalled loop is noticed by the watchdog and reported', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100_MIG, FAKE_NVIDIA_SMI_STALL_AFTER: '2' }, ['nvidia-smi']));
  const got = await samplesUntil(gpuCollector(realCtx(), { env: fake.env, processIntervalMs: 0, backoff: { firstMs: 5000, maxMs: 5000 } }), (s) => !s.ok);
  assert.match(got.at(-1)!.error!, /^nvidia-smi: loop stopped answering/);
  assert.ok(await gone(fake.pids().map((p) => p.pid)));
});

test('an old driver rejects fields: they are dropped and the rest is still read with one query (RTX 2060)', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({
    FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-rtx2060-460.91.03-csv.csv'), // no index, uuid, power, fan, encoder…
  }, ['nvidia-smi']));
  const got = await samples(gpuCollector(realCtx(), { env: fake.env }), 3);
  const last = got[2]!;
  assert.ok(last.ok, JSON.stringify(last));
  assert.is(last.source, 'nvidia-smi loop', 'loop mode kept with the fields the driver knows');
  const g = last.value[0]!;
  assert.equal([g.name, g.pciBusId, g.driverVersion, g.usage, g.memoryUtilization, g.memoryTotal, g.memoryUsed, g.memoryFree, g.temperature, g.clockCore],
    ['GeForce RTX 2060', '00000000:09:00.0', '460.91.03', 20, 8, 5934 * MIB, 682 * MIB, 5252 * MIB, 36, 300]);
  assert.equal([g.uuid, g.powerDraw, g.fanSpeed, g.clockMemory], [null, null, null, null], 'fields the driver does not know are null');
  assert.is(g.index, 0, 'without an index column, the row order is the index');
  const rejected = fake.calls().filter((c) => c.some((a) => a.startsWith('--query-gpu')) && !c.some((a) => a.startsWith('--loop')));
  assert.ok(rejected.length >= 2, 'one retry per rejected field, once');
  assert.is(fake.calls().filter((c) => c.some((a) => a.startsWith('--loop'))).length, 1, 'then one loop child');
});

test('a driver that rejects even the GPU name: falls back to -q -x per tick (two RTX A5000 with processes)', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({
    // A header-less capture replayed as if it were a header: the stand-in then rejects every field, `name` included.
    FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-temperature.memory-noheader-nounits-bare-na.csv'),
    FAKE_NVIDIA_SMI_XML: fixture('nvidia-smi/xml-dual-rtx-a5000-590.44.01-v13.xml'),
  }, ['nvidia-smi']));
  // Each rejected field costs one quick retry before the XML fallback, so wait for the first good sample.
  const got = await samplesUntil(gpuCollector(realCtx(), { env: fake.env }), (s) => s.ok);
  const last = got[got.length - 1]!;
  assert.is(last.source, 'nvidia-smi -q -x', JSON.stringify(last));
  assert.ok(got.slice(0, -1).every((s) => !s.ok && s.error === 'nvidia-smi: no answer yet'), 'only the prompt placeholder before it');
  assert.equal(last.value.map((g) => [g.name, g.memoryUsed, g.processes?.length]), [['NVIDIA RTX A5000', 22437 * MIB, 1], ['NVIDIA RTX A5000', 17253 * MIB, 1]]);
});

test('vendor "nvidia" without nvidia-smi: [] + "not found"', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({}, []));
  const [s] = await samples(gpuCollector(realCtx(), { env: fake.env, vendor: 'nvidia' }), 1);
  assert.equal([s!.value, s!.ok, s!.error], [[], false, 'nvidia-smi: not found on PATH']);
});

test.run();
