import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { Subscription, concat, defer, map, take, throwError, timer } from 'rxjs';
import { createMonitor } from '../lib/monitor.js';
import { TOPICS } from '../lib/types.js';
import { crashing, fakeCollectors, fakeCpu, hanging } from './helpers/fake-collectors.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const base = { intervalMs: 1000, lingerMs: 3000, primeMs: 100, firstSampleTimeoutMs: 500 };

/** Runs `steps` at virtual times (ms), then flushes. */
function at(scheduler: TestScheduler, steps: [number, () => void][]) {
  for (const [time, step] of steps) scheduler.schedule(step, time);
}

test('nothing is collected while nobody listens', () => {
  virtual().run(() => {
    const fakes = fakeCollectors();
    const monitor = createMonitor({ ...base, collectors: fakes });
    for (const t of TOPICS) {
      assert.is(monitor.health()[t].state, 'idle');
      assert.is(monitor.health()[t].activations, 0);
    }
    assert.is(fakes.cpu.counter.starts, 0);
  });
});

test('a read of one topic wakes only that collector, which stops again after the linger', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const fakes = fakeCollectors();
    const monitor = createMonitor({ ...base, collectors: fakes });
    const got: number[] = [];
    at(scheduler, [
      [0, () => monitor.cpu$.pipe(take(1)).subscribe((c) => got.push(c.usage))],
      [10, () => {
        assert.is(fakes.cpu.counter.starts, 1);
        for (const t of ['memory', 'gpu', 'disk', 'network', 'processes'] as const) assert.is(fakes[t].counter.starts, 0, t);
      }],
      [2999, () => assert.is(fakes.cpu.counter.stops, 0, 'still lingering')],
      [3001, () => {
        assert.is(fakes.cpu.counter.stops, 1, 'stopped after the linger');
        assert.is(monitor.health().cpu.state, 'idle');
      }],
    ]);
    scheduler.flush();
    assert.equal(got, [1]);
  });
});

test('a second reader within the linger shares the running collection and gets the replayed value at once', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const fakes = fakeCollectors();
    const monitor = createMonitor({ ...base, collectors: fakes });
    const times: number[] = [];
    at(scheduler, [
      [0, () => monitor.cpu$.pipe(take(1)).subscribe()],
      [2000, () => monitor.cpu$.pipe(take(1)).subscribe(() => times.push(scheduler.now()))],
      [2500, () => monitor.stats$.pipe(take(1)).subscribe(() => times.push(scheduler.now()))],
    ]);
    scheduler.flush();
    assert.is(fakes.cpu.counter.starts, 1, 'one collection for all readers');
    assert.is(times[0], 2000, 'replayed without waiting for a tick');
    assert.is(fakes.memory.counter.starts, 1);
  });
});

test('stats$ subscribers share one collection, emit once per tick, and stop together after the linger', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const fakes = fakeCollectors();
    const monitor = createMonitor({ ...base, collectors: fakes });
    const a: number[] = [];
    const b: number[] = [];
    let subs = new Subscription();
    at(scheduler, [
      [0, () => subs.add(monitor.stats$.subscribe((s) => a.push(s.cpu.usage)))],
      [0, () => subs.add(monitor.stats$.subscribe((s) => b.push(s.cpu.usage)))],
      [3500, () => subs.unsubscribe()],
      [6600, () => {
        for (const t of TOPICS) {
          assert.is(fakes[t].counter.starts, 1, `${t} started once`);
          assert.is(fakes[t].counter.stops, 1, `${t} stopped after the linger`);
        }
        subs = new Subscription();
      }],
      [7000, () => subs.add(monitor.stats$.pipe(take(1)).subscribe())],
      [7500, () => assert.is(fakes.cpu.counter.starts, 2, 'resumed for a new listener')],
    ]);
    scheduler.flush();
    // ticks at 100 (first), 1100, 2100, 3100: one message each, not one per collector
    assert.equal(a, [1, 2, 3, 4]);
    assert.equal(b, a);
    assert.is(monitor.health().cpu.activations, 2);
  });
});

test('a hanging collector contributes a placeholder after the first-sample timeout and health says why', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const fakes = { ...fakeCollectors(), gpu: hanging([]) };
    const monitor = createMonitor({ ...base, collectors: fakes });
    const seen: { t: number; gpu: unknown; cpu: number }[] = [];
    let gpu = monitor.health().gpu;
    at(scheduler, [
      [0, () => monitor.stats$.pipe(take(2)).subscribe((s) => seen.push({ t: scheduler.now(), gpu: s.gpu, cpu: s.cpu.usage }))],
      [600, () => (gpu = monitor.health().gpu)],
    ]);
    scheduler.flush();
    assert.is(seen[0]!.t, 500, 'first stats right at firstSampleTimeoutMs, not never');
    assert.equal(seen[0]!.gpu, []);
    assert.is(seen[1]!.cpu, 2, 'the other collectors keep flowing');
    assert.is(gpu.state, 'error');
    assert.match(gpu.reason ?? '', /no reading within 500 ms/);
    assert.is(monitor.health().gpu.state, 'idle', 'and idle once nobody listens');
  });
});

test('a crashing collector is restarted with backoff while the others keep flowing', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const fakes = { ...fakeCollectors(), disk: crashing([]) };
    const monitor = createMonitor({ ...base, collectors: fakes });
    const cpu: number[] = [];
    let disk = monitor.health().disk;
    at(scheduler, [
      [0, () => monitor.stats$.pipe(take(4)).subscribe((s) => cpu.push(s.cpu.usage))],
      [3000, () => (disk = monitor.health().disk)],
    ]);
    scheduler.flush();
    assert.equal(cpu, [1, 2, 3, 4]);
    // attempts at 0, +1000, +2000 (cumulative 3000) by the 4th stats message, at the 3000 grid point
    assert.is(fakes.disk.counter.starts, 3);
    assert.is(disk.state, "error");
    assert.match(disk.reason ?? "", /collector exploded/);
  });
});

test('stats$ emits once per tick with a GPU on its own clock (40 % out of phase), across a collector restart', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    // The nvidia-smi loop child: its own timer, 400 ms after the grid, crashing once at 3.4 s.
    let starts = 0;
    const loopGpu = {
      placeholder: [],
      create: () => defer(() => {
        starts++;
        const readings = timer(400, 1000, scheduler).pipe(map(() => ({ value: [], ok: true, at: scheduler.now() })));
        return starts === 1 ? concat(readings.pipe(take(4)), throwError(() => new Error('loop child died'))) : readings;
      }),
    };
    const monitor = createMonitor({ ...base, collectors: { ...fakeCollectors(), gpu: loopGpu } });
    const times: number[] = [];
    const sub = monitor.stats$.subscribe(() => times.push(scheduler.now()));
    scheduler.schedule(() => sub.unsubscribe(), 10_999);
    scheduler.flush();
    assert.is(starts, 2, 'the GPU collector was restarted');
    // First at 400 (the GPU's first reading), then one per grid slot from 1000 on: 11 in 11 s.
    assert.is(times.length, 11, times.join(', '));
    for (let slot = 1; slot <= 10; slot++) assert.is(times.filter((t) => Math.floor(t / 1000) === slot).length, 1, `slot ${slot}`);
  });
});

test('select() with per-topic intervals paces the selection at its own interval, once per tick', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const monitor = createMonitor({ ...base, intervals: { disk: 3000 }, collectors: fakeCollectors() });
    const both: number[] = [];
    const slow: number[] = [];
    const a = monitor.select(['cpu', 'disk']).subscribe(() => both.push(scheduler.now()));
    const b = monitor.select(['cpu'], 2000).subscribe(() => slow.push(scheduler.now()));
    scheduler.schedule(() => { a.unsubscribe(); b.unsubscribe(); }, 8_999);
    scheduler.flush();
    assert.equal(both, [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000], 'the fastest topic sets the pace, never waiting for the slower');
    assert.equal(slow, [0, 2000, 4000, 6000, 8000], 'a slower requested interval, on its own grid');
  });
});

test('snapshot() answers one topic or the whole object', async () => {
  const fakes = fakeCollectors();
  const monitor = createMonitor({ intervalMs: 200, lingerMs: 0, primeMs: 20, collectors: fakes });
  assert.equal(await monitor.snapshot('cpu'), fakeCpu(1));
  const all = await monitor.snapshot();
  assert.equal(Object.keys(all), ['cpu', 'memory', 'gpu', 'disk', 'diskIO', 'network', 'processes', 'uptime', 'timestamp']);
  assert.is(typeof all.uptime, 'number');
  assert.match(all.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test('options are validated with a clear error', () => {
  assert.throws(() => createMonitor({ intervalMs: 0 }), /intervalMs must be a number of milliseconds from 100/);
  assert.throws(() => createMonitor({ intervals: { bogus: 1000 } as never }), /intervals.bogus: unknown topic/);
  assert.throws(() => createMonitor({ processes: { limit: 0 } }), /processes.limit must be a whole number/);
  assert.throws(() => createMonitor({ lingerMs: -1 }), /lingerMs/);
});

test.run();
