// The darwin/win32 CPU sampler: busy % from two os.cpus() readings (composed here: os.cpus() is
// Node's own structure, not tool output).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type os from 'node:os';
import { averageSpeed, coreBusyPercent, cpuStatsFromOs, osCpuSampler } from '../../lib/collectors/os-cpu.js';

const core = (user: number, sys: number, idle: number, speed = 2918, model = 'Intel(R) Core(TM) i7-12700H'): os.CpuInfo =>
  ({ model, speed, times: { user, nice: 0, sys, idle, irq: 0 } });

test('per core and whole machine: everything but idle over everything, between two readings', () => {
  const before = [core(1000, 500, 8500), core(2000, 0, 8000)];
  const after = [core(1600, 700, 8700), core(2100, 100, 8800)];
  const stats = cpuStatsFromOs(before, after, { physicalCores: 1, loadAverage: null });
  assert.equal(stats.perCore, [80, 20]);
  assert.is(stats.usage, 50, '(800 + 200) busy of 2000 ms');
  assert.equal([stats.cores, stats.physicalCores, stats.frequency, stats.temperature, stats.loadAverage], [2, 1, 2918, null, null]);
  assert.is(stats.model, 'Intel(R) Core(TM) i7-12700H');
});

test('a core that appeared between readings shows 0 and does not skew the total; no time passed is 0 %', () => {
  const stats = cpuStatsFromOs([core(0, 0, 100)], [core(50, 0, 150), core(10, 0, 10)], { physicalCores: null, loadAverage: [1, 2, 3] });
  assert.equal(stats.perCore, [50, 0]);
  assert.is(stats.usage, 50);
  assert.is(stats.physicalCores, 2, 'unknown physical count: the logical one');
  assert.is(coreBusyPercent(core(5, 5, 5).times, core(5, 5, 5).times), 0);
});

test('frequency: the average speed Node reports; 0 (unknown) when every core says 0, as Apple silicon does', () => {
  assert.is(averageSpeed([core(0, 0, 0, 2400), core(0, 0, 0, 2500)]), 2450);
  assert.is(averageSpeed([core(0, 0, 0, 0)]), 0);
});

test('the sampler: baseline, then deltas; physical cores asked once; loadAverage null when told so', async () => {
  const readings = [[core(0, 0, 1000)], [core(250, 0, 1750)], [core(250, 0, 2750)]];
  let asked = 0;
  const sampler = osCpuSampler({ cpus: () => readings.shift()!, loadAverage: null, physicalCores: () => { asked++; return 1; } });
  await sampler.baseline!(new AbortController().signal);
  const first = await sampler.sample(new AbortController().signal);
  const second = await sampler.sample(new AbortController().signal);
  assert.equal([first.value.usage, second.value.usage, first.source], [25, 0, 'os.cpus']);
  assert.is(first.value.loadAverage, null);
  assert.is(asked, 1);
});

test.run();
