// The first seconds of a stream, in virtual time, through the monitor's real wiring (pollers on
// the grid, a loop child on its own clock, a collector that reports once): the second message
// comes one interval after the first, and every later one on its grid point, whatever the phase
// of the subscription or of the loop child.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { defer, map, of, timer, type Observable } from 'rxjs';
import { createMonitor } from '../lib/monitor.js';
import { poll } from '../lib/collectors/poll.js';
import type { CollectorSpec } from '../lib/collectors/registry.js';
import type { Sample } from '../lib/collectors/sample.js';
import type { CpuStats, GpuStats } from '../lib/types.js';
import { fakeCollectors, fakeCpu } from './helpers/fake-collectors.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const INTERVAL = 1000;
const PRIME = 250;

/** A delta collector (baseline, then a reading primeMs later), counting its readings: the CPU. */
const primedCpu: CollectorSpec<CpuStats> = {
  placeholder: fakeCpu(0),
  create: (ctx) => defer(() => {
    let n = 0;
    return poll(() => ({ baseline: () => {}, sample: () => ({ value: fakeCpu(++n), source: 'fake' }) }), {
      intervalMs: ctx.intervalMs, timeoutMs: ctx.timeoutMs, primeMs: ctx.primeMs, placeholder: fakeCpu(0), scheduler: ctx.scheduler, grid: ctx.grid,
    });
  }),
};

/** A loop child (nvidia-smi --loop-ms, top -l 0): its first block `startMs` after it starts, then one per interval on its own clock. */
const loopChild = (startMs: number): CollectorSpec<GpuStats[]> => ({
  placeholder: [],
  create: (ctx) => timer(startMs, ctx.intervalMs, ctx.scheduler).pipe(
    map((n): Sample<GpuStats[]> => ({ value: [{ index: n } as unknown as GpuStats], ok: true, source: 'loop', at: 0 })),
  ),
});

/** A collector that reports once and has nothing more to say (GPU "off"). */
const once: CollectorSpec<GpuStats[]> = { placeholder: [], create: () => of({ value: [], ok: true, source: 'off', at: 0 }) };

interface Run { times: number[]; cpu: number[] }

/** Subscribes to every topic at `subscribeAt`, returns the first `count` messages' times and CPU readings. */
function firstMessages(gpu: CollectorSpec<GpuStats[]>, subscribeAt: number, count = 8): Run {
  const scheduler = virtual();
  const run: Run = { times: [], cpu: [] };
  scheduler.run(() => {
    const monitor = createMonitor({
      intervalMs: INTERVAL, primeMs: PRIME, lingerMs: 0, firstSampleTimeoutMs: 5000, scheduler,
      collectors: { ...fakeCollectors(), cpu: primedCpu, gpu },
    });
    scheduler.schedule(() => {
      const sub = monitor.stats$.subscribe((s) => {
        run.times.push(scheduler.now());
        run.cpu.push(s.cpu.usage);
        if (run.times.length === count) sub.unsubscribe();
      });
    }, subscribeAt);
  });
  return run;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

for (const subscribeAt of [0, 1234, 1900]) {
  for (const [label, gpu, firstAfter] of [
    ['no GPU tool (reports once)', once, PRIME],
    ['a loop child starting 130 ms in', loopChild(130), PRIME],
    // Its blocks land 50 ms after each grid point, inside the waiting window (a quarter interval):
    // waiting for them would make every message 50 ms late.
    ['a loop child landing inside the window', loopChild(PRIME + 50), PRIME + 50],
    // Slower than the CPU's prime: the first message waits for it, and the grid starts there.
    ['a loop child slower than the first reading', loopChild(600), 600],
  ] as const) {
    test(`subscribed at ${subscribeAt} ms with ${label}: the first message, then one exactly every interval`, () => {
      const { times, cpu } = firstMessages(gpu, subscribeAt);
      assert.is(times[0], subscribeAt + firstAfter, `first message: ${times.join(', ')}`);
      assert.equal(gaps(times), Array(times.length - 1).fill(INTERVAL), `gaps: ${gaps(times).join(', ')}`);
      // Each message carries the CPU reading of its own grid point (one reading per message).
      assert.equal(cpu, cpu.map((_, i) => i + 1), `cpu readings: ${cpu.join(', ')}`);
    });
  }
}

test('a reader joining a running collection gets the next messages on the same grid', () => {
  const scheduler = virtual();
  const first: number[] = [];
  const later: number[] = [];
  scheduler.run(() => {
    const monitor = createMonitor({
      intervalMs: INTERVAL, primeMs: PRIME, lingerMs: 0, scheduler, collectors: { ...fakeCollectors(), cpu: primedCpu, gpu: loopChild(130) },
    });
    scheduler.schedule(() => {
      const sub = monitor.stats$.subscribe(() => first.push(scheduler.now()));
      scheduler.schedule(() => sub.unsubscribe(), 6000);
    }, 1234);
    // Another selection (its own combined stream) on the warm collectors: its first message at
    // once, then on the grid the first reader's messages follow.
    scheduler.schedule(() => {
      const sub = monitor.select(['cpu', 'memory']).subscribe(() => later.push(scheduler.now()));
      scheduler.schedule(() => sub.unsubscribe(), 3000);
    }, 2700);
  });
  assert.is(later[0], 2700, 'the first at once, from the replayed readings');
  const grid = first[0]!;
  for (const t of later.slice(1)) assert.is((t - grid) % INTERVAL, 0, `on the grid of ${grid}: ${later.join(', ')}`);
  assert.ok(later[1]! - later[0]! >= INTERVAL / 2, 'no second message right after the first');
});

test('after collection stops, the next start anchors a new grid', () => {
  const scheduler = virtual();
  const starts: number[][] = [[], []];
  scheduler.run(() => {
    const monitor = createMonitor({
      intervalMs: INTERVAL, primeMs: PRIME, lingerMs: 500, scheduler, collectors: { ...fakeCollectors(), cpu: primedCpu, gpu: loopChild(130) },
    });
    const listen = (from: number, into: number[]) => scheduler.schedule(() => {
      const sub = monitor.stats$.subscribe(() => into.push(scheduler.now()));
      scheduler.schedule(() => sub.unsubscribe(), 3500);
    }, from);
    listen(0, starts[0]!);
    listen(10_370, starts[1]!); // long after the linger ended: a cold start at another phase
  });
  for (const times of starts) assert.equal(gaps(times), Array(times.length - 1).fill(INTERVAL), `gaps: ${gaps(times).join(', ')}`);
  assert.is(starts[1]![0], 10_370 + PRIME);
});

test.run();
