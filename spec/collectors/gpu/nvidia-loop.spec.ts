// The nvidia-smi pieces alone, with the stand-in: the loop child as an observable, and the one-shot runs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { asyncScheduler, firstValueFrom, take, toArray } from 'rxjs';
import { LoopUnsupported, loopBlocks, type LoopOptions } from '../../../lib/collectors/gpu/nvidia-loop.js';
import { queryGpus, queryProcesses } from '../../../lib/collectors/gpu/nvidia-query.js';
import { DEFAULT_GPU_FIELDS } from '../../../lib/collectors/gpu/nvidia-csv.js';
import { MIB } from '../../../lib/collectors/gpu/units.js';
import { fakeGpuPath, fixture, type FakeGpuPath } from '../../helpers/fake-gpu-path.js';
import { gone } from '../../helpers/wait.js';

const H100 = fixture('nvidia-smi/query-gpu-all-fields-h100-mig-590.48.01-load.csv');
const L40S = fixture('nvidia-smi/query-gpu-all-fields-l40s-595.80-load.csv');

const test = suite<{ fake?: FakeGpuPath }>('nvidia-smi pieces');
test.after.each((ctx) => { ctx.fake?.cleanup(); ctx.fake = undefined; });

function loopOptions(fake: FakeGpuPath, over: Partial<LoopOptions> = {}): LoopOptions {
  return {
    smiPath: `${fake.dir}/nvidia-smi`, fields: DEFAULT_GPU_FIELDS, gpuCount: 1, intervalMs: 100, stallMs: 3000,
    scheduler: asyncScheduler, env: fake.env, ...over,
  };
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected an error'); }, (e: unknown) => e as Error);

test('loopBlocks: one GPU list per block from one child, killed on unsubscribe', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: `${H100}:${L40S}` }, ['nvidia-smi']));
  const blocks = await firstValueFrom(loopBlocks(loopOptions(fake, { gpuCount: 2 })).pipe(take(3), toArray()));
  assert.equal(blocks.map((b) => b.map((g) => g.name)), Array(3).fill(['NVIDIA H100 80GB HBM3', 'NVIDIA L40S']));
  assert.is(fake.pids().length, 1, 'one child for every block');
  assert.ok(await gone(fake.pids().map((p) => p.pid)));
});

test('loopBlocks: a tool that refuses loop mode is LoopUnsupported (query per tick instead)', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100, FAKE_NVIDIA_SMI_NO_LOOP: '1' }, ['nvidia-smi']));
  const error = await failure(firstValueFrom(loopBlocks(loopOptions(fake))));
  assert.instance(error, LoopUnsupported);
});

test('loopBlocks: a child that worked and then crashed is an error saying why, marked (restarting)', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100, FAKE_NVIDIA_SMI_CRASH_AFTER: '2' }, ['nvidia-smi']));
  const error = await failure(firstValueFrom(loopBlocks(loopOptions(fake)).pipe(toArray())));
  assert.not.instance(error, LoopUnsupported);
  assert.is(error.message, 'nvidia-smi: GPU 0000:03:00.0 is lost; reboot to recover it (restarting)');
});

test('loopBlocks: silence longer than stallMs ends the child with "loop stopped answering"', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100, FAKE_NVIDIA_SMI_STALL_AFTER: '1' }, ['nvidia-smi']));
  const error = await failure(firstValueFrom(loopBlocks(loopOptions(fake, { stallMs: 600 })).pipe(toArray())));
  assert.is(error.message, 'nvidia-smi: loop stopped answering (nothing for 600 ms)');
  assert.ok(await gone(fake.pids().map((p) => p.pid)), 'the silent child is killed');
});

test('queryGpus and queryProcesses: one run each, parsed', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100, FAKE_NVIDIA_SMI_APPS: fixture('nvidia-smi/compute-apps-h100-mig-590.48.01-load.csv') }, ['nvidia-smi']));
  const options = { smiPath: `${fake.dir}/nvidia-smi`, timeoutMs: 5000, env: fake.env };
  const [gpu] = await firstValueFrom(queryGpus(options, DEFAULT_GPU_FIELDS));
  assert.is(gpu!.memoryTotal, 81559 * MIB);
  const byUuid = await firstValueFrom(queryProcesses(options));
  assert.equal(byUuid.get(gpu!.uuid!)?.map((p) => p.pid), [21180, 21181, 21198]);
});

test('queryGpus: a driver failure is an error naming it, not an empty list', async (ctx) => {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100 }, ['nvidia-smi']));
  const options = { smiPath: `${fake.dir}/nvidia-smi`, timeoutMs: 5000, env: { ...fake.env, FAKE_NVIDIA_SMI_FAIL: 'No devices were found' } };
  const error = await failure(firstValueFrom(queryGpus(options, DEFAULT_GPU_FIELDS)));
  assert.match(error.message, /No devices were found/);
});

test.run();
