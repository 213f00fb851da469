// Never wake or pin a sleeping GPU: the real gpuCollector with the nvidia-smi stand-in on PATH and a
// sysfs tree (written here) whose power/runtime_status the spec flips.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subscription } from 'rxjs';
import { gpuCollector } from '../../../lib/collectors/gpu/index.js';
import type { Sample } from '../../../lib/collectors/sample.js';
import type { GpuStats } from '../../../lib/types.js';
import { fakeGpuPath, fixture, isAlive, type FakeGpuPath } from '../../helpers/fake-gpu-path.js';
import { realCtx } from '../../helpers/gpu-collector.js';
import { gone, until } from '../../helpers/wait.js';

const INTERVAL = 200;
const BUS = '0000:0c:00.0'; // the capture's pci.bus_id 00000000:0C:00.0
const isLoop = (args: string[]) => args.some((a) => a.startsWith('--loop-ms='));

interface Ctx { fake?: FakeGpuPath; sys?: string; sub?: Subscription }
const test = suite<Ctx>('GPU runtime PM');
test.after.each((ctx) => {
  ctx.sub?.unsubscribe();
  ctx.fake?.cleanup();
  if (ctx.sys) rmSync(ctx.sys, { recursive: true, force: true });
});

/** A laptop's NVIDIA dGPU in sysfs: vendor, class, runtime PM files. */
function laptopSysfs(status: string, control: 'auto' | 'on'): { sys: string; set: (s: string) => void } {
  const sys = mkdtempSync(join(tmpdir(), 'gpu-pm-'));
  const dev = join(sys, 'bus/pci/devices', BUS);
  mkdirSync(join(dev, 'power'), { recursive: true });
  writeFileSync(join(dev, 'vendor'), '0x10de\n');
  writeFileSync(join(dev, 'device'), '0x1e81\n');
  writeFileSync(join(dev, 'class'), '0x030000\n');
  writeFileSync(join(dev, 'power/control'), `${control}\n`);
  const set = (s: string) => writeFileSync(join(dev, 'power/runtime_status'), `${s}\n`);
  set(status);
  return { sys, set };
}

function watch(ctx: Ctx, sys: string, vars: Record<string, string> = {}) {
  const fake = (ctx.fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-rtx2080super-windows-610.62-idle.csv'), ...vars }, ['nvidia-smi']));
  const seen: Sample<GpuStats[]>[] = [];
  ctx.sub = gpuCollector(realCtx({ intervalMs: INTERVAL, sysRoot: sys }), { env: fake.env, processIntervalMs: 500, vendor: 'nvidia' })
    .subscribe((s) => seen.push(s));
  return { fake, seen, last: () => seen[seen.length - 1] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('suspended → no nvidia-smi starts; active → readings resume within two intervals; suspended again → the loop child is killed and none restarts', async (ctx) => {
  const { sys, set } = laptopSysfs('suspended', 'on');
  ctx.sys = sys;
  const { fake, seen, last } = watch(ctx, sys);
  await sleep(INTERVAL * 4);
  assert.equal(fake.calls(), [], 'FAKE_NVIDIA_SMI_LOG: nothing ran while it slept');
  const asleep = last()!.value[0]!;
  assert.equal([asleep.vendor, asleep.pciBusId, asleep.powerState, asleep.usage, asleep.powerDraw, asleep.clockCore], ['nvidia', BUS, 'suspended', 0, null, null]);
  assert.match(last()!.source!, /runtime-suspended: not queried/);

  set('active');
  const woke = Date.now();
  const before = seen.length;
  await until(() => last()!.value[0]?.name === 'NVIDIA GeForce RTX 2080 SUPER' && last()!.value[0]?.powerState === 'active', INTERVAL * 2 + 1500, 'a reading after waking');
  // One interval to notice the file, then the probe query answers (a node process start, ~0.3 s here).
  assert.ok(Date.now() - woke < INTERVAL * 2 + 1500, `${Date.now() - woke} ms`);
  const between = seen.slice(before).findIndex((s) => s.value[0]?.powerState === 'active');
  assert.ok(between <= 1, `at most one "asleep" reading after waking, got ${between}`);
  await until(() => fake.pids().some((p) => isLoop(p.args)), 3000, 'the loop child');
  const loop = fake.pids().find((p) => isLoop(p.args))!.pid;
  assert.ok(isAlive(loop));

  set('suspended');
  await until(() => last()!.value[0]?.powerState === 'suspended', INTERVAL * 3, 'asleep again');
  assert.ok(await gone([loop]), 'the loop child is killed: it would keep the GPU awake');
  const calls = fake.calls().length;
  await sleep(INTERVAL * 4);
  assert.is(fake.calls().length, calls, 'no new nvidia-smi while suspended');
  const g = last()!.value[0]!;
  assert.equal([g.name, g.memoryTotal, g.memoryUsed, g.usage, g.powerDraw, g.clockCore, g.processes], ['NVIDIA GeForce RTX 2080 SUPER', 8192 * 1048576, null, 0, null, null, []],
    'name and total memory from the last reading');
  assert.ok(seen.every((s) => s.ok));
});

test('runtime PM on auto: idle (usage 0, no process) for five readings → the loop child is stopped so the GPU can suspend; a wake-up resumes querying', async (ctx) => {
  const { sys, set } = laptopSysfs('active', 'auto');
  ctx.sys = sys;
  const { fake, last } = watch(ctx, sys);
  await until(() => fake.pids().some((p) => isLoop(p.args)), 4000, 'the loop child');
  const loop = fake.pids().find((p) => isLoop(p.args))!.pid;
  await until(() => /idle: not queried/.test(last()?.source ?? ''), INTERVAL * 12 + 2000, 'parked');
  assert.ok(await gone([loop]), 'the loop child is gone');
  const calls = fake.calls().length;
  await sleep(INTERVAL * 3);
  assert.is(fake.calls().length, calls, 'nothing queries the idle GPU');
  assert.equal([last()!.value[0]!.powerState, last()!.value[0]!.usage], ['active', 0]);
  // The kernel suspends it, then something (a CUDA program) wakes it: querying resumes.
  set('suspended');
  await until(() => last()!.value[0]?.powerState === 'suspended', INTERVAL * 3, 'suspended');
  set('active');
  await until(() => fake.calls().length > calls, INTERVAL * 3, 'queried again after the wake-up');
});

test('runtime PM on (desktop, server): an idle GPU keeps its loop child (today\'s behaviour)', async (ctx) => {
  const { sys } = laptopSysfs('active', 'on');
  ctx.sys = sys;
  const { fake, last } = watch(ctx, sys);
  await until(() => fake.pids().some((p) => isLoop(p.args)), 4000, 'the loop child');
  await sleep(INTERVAL * 9);
  const loop = fake.pids().find((p) => isLoop(p.args))!.pid;
  assert.ok(isAlive(loop));
  assert.is(last()!.source, 'nvidia-smi loop');
});

test.run();
