import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { Observable, concat, map, take, timer, type SchedulerLike } from 'rxjs';
import { combineOnGrid } from '../../lib/stream/combine-on-grid.js';
import { createGridOrigin } from '../../lib/stream/grid.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));

/** A source reporting n = 1, 2, … at `firstAt`, then every `everyMs` (a poller or a loop child). */
const clock = (firstAt: number, everyMs: number, scheduler: SchedulerLike): Observable<number> =>
  timer(firstAt, everyMs, scheduler).pipe(map((n) => n + 1));

interface Emission { t: number; values: Record<string, number> }

/** Subscribes at 0, records every emission until `untilMs`, returns them. */
function record(scheduler: TestScheduler, source: Observable<Record<string, number>>, untilMs: number): Emission[] {
  const seen: Emission[] = [];
  const sub = source.subscribe((values) => seen.push({ t: scheduler.now(), values }));
  scheduler.schedule(() => sub.unsubscribe(), untilMs);
  return seen;
}

const gaps = (seen: Emission[]) => seen.slice(1).map((e, i) => e.t - seen[i]!.t);

for (const phase of [0.1, 0.5, 0.9]) {
  test(`one emission per interval when the GPU loop runs ${phase * 100} % out of phase with the pollers`, () => {
    const scheduler = virtual();
    let seen: Emission[] = [];
    scheduler.run(() => {
      // Pollers read at 0 and at each grid point, answering 5 ms later; the loop child has its own clock.
      const cpu = clock(5, 1000, scheduler);
      const gpu = clock(phase * 1000, 1000, scheduler);
      seen = record(scheduler, combineOnGrid({ cpu, gpu }, { intervalMs: 1000, scheduler }), 10_999);
    });
    // The first as soon as both have a value, then exactly one in every grid slot after it.
    const first = seen[0]!.t;
    assert.is(first, Math.max(5, phase * 1000));
    for (let slot = Math.ceil((first + 500) / 1000); slot <= 10; slot++) {
      assert.is(seen.filter((e) => Math.floor(e.t / 1000) === slot).length, 1, `one in slot ${slot}: ${seen.map((e) => e.t).join(', ')}`);
    }
    assert.is(seen.filter((e) => e.t > first && e.t < first + 500).length, 0, 'nothing right after the first');
    // Once the phases are learnt (one slot), the spacing is exactly the interval ...
    const steady = seen.slice(2);
    assert.ok(gaps(steady).every((g) => g === 1000), `steady spacing: ${gaps(steady).join(', ')}`);
    // ... each message carries the pollers' reading of that very grid point ...
    for (const e of steady) assert.is(e.values.cpu, Math.floor(e.t / 1000) + 1, `fresh cpu at ${e.t}`);
    // ... and the GPU's latest reading, waited for when it reports inside the window (10 % = 100 ms).
    for (const e of steady) assert.is(e.values.gpu, Math.floor((e.t - phase * 1000) / 1000) + 1, `latest gpu at ${e.t}`);
    const expectedPhase = phase === 0.1 ? 100 : 5;
    assert.ok(steady.every((e) => e.t % 1000 === expectedPhase), `emitted ${expectedPhase} ms after each grid point`);
  });
}

test('a slow collector (answering after the window) neither delays nor doubles the ticks', () => {
  const scheduler = virtual();
  let seen: Emission[] = [];
  scheduler.run(() => {
    const cpu = clock(5, 1000, scheduler);
    const processes = clock(400, 1000, scheduler); // a 400 ms read, beyond the 250 ms window
    seen = record(scheduler, combineOnGrid({ cpu, processes }, { intervalMs: 1000, scheduler }), 5_999);
  });
  assert.equal(seen.map((e) => e.t), [400, 1250, 2005, 3005, 4005, 5005]);
  // Its value is one tick old in each message, never missing.
  assert.equal(seen.map((e) => e.values.processes), [1, 1, 2, 3, 4, 5]);
});

test('a topic on a slower interval of its own keeps its latest value in every tick', () => {
  const scheduler = virtual();
  let seen: Emission[] = [];
  scheduler.run(() => {
    const cpu = clock(5, 1000, scheduler);
    const disk = clock(5, 3000, scheduler);
    seen = record(scheduler, combineOnGrid({ cpu, disk }, { intervalMs: 1000, ownPace: ['disk'], scheduler }), 6_999);
  });
  assert.is(seen.length, 7);
  assert.ok(seen.every((e) => e.t % 1000 === 5), `never waits for the slower topic: ${seen.map((e) => e.t).join(', ')}`);
  assert.equal(seen.map((e) => e.values.cpu), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(seen.map((e) => e.values.disk), [1, 1, 1, 2, 2, 2, 3]);
  assert.ok(gaps(seen).every((g) => g <= 1250), `no slot skipped: ${gaps(seen).join(', ')}`);
});

test('a collector that goes silent and restarts does not change the count', () => {
  const scheduler = virtual();
  let seen: Emission[] = [];
  scheduler.run(() => {
    const cpu = clock(5, 1000, scheduler);
    // Reports 3 times, is silent for 2.5 s (restart backoff), then comes back on a new phase.
    const gpu = concat(clock(5, 1000, scheduler).pipe(take(3)), clock(4_600, 1000, scheduler).pipe(map((n) => n + 100)));
    seen = record(scheduler, combineOnGrid({ cpu, gpu }, { intervalMs: 1000, scheduler }), 9_999);
  });
  assert.is(seen.length, 10, `emissions at ${seen.map((e) => e.t).join(', ')}`);
  for (let slot = 1; slot < 10; slot++) assert.is(seen.filter((e) => Math.floor(e.t / 1000) === slot).length, 1, `slot ${slot}`);
  assert.is(seen.at(-1)!.values.gpu, 100 + 3, 'the restarted values come through');
});

test('the first emission waits for every input, then comes at once', () => {
  virtual().run(({ cold, expectObservable }) => {
    const a = cold('10ms a', { a: 1 });
    const b = cold('300ms b', { b: 2 });
    expectObservable(combineOnGrid({ a, b }, { intervalMs: 1000 }).pipe(take(1))).toBe('300ms (x|)', { x: { a: 1, b: 2 } });
  });
});

test('keys come out in the order of the inputs, whichever reported first', () => {
  virtual().run(({ cold, expectObservable }) => {
    const slow = cold('50ms a', { a: 1 });
    const fast = cold('a', { a: 2 });
    const keys = combineOnGrid({ slow, fast }, { intervalMs: 1000 }).pipe(take(1), map((v) => Object.keys(v).join(',')));
    expectObservable(keys).toBe('50ms (k|)', { k: 'slow,fast' });
  });
});

test('a subscriber arriving on replayed inputs gets its first emission synchronously', () => {
  virtual().run(() => {
    const replayed = new Observable<number>((s) => s.next(7));
    let got: unknown;
    combineOnGrid({ a: replayed, b: replayed }, { intervalMs: 1000 }).pipe(take(1)).subscribe((v) => (got = v));
    assert.equal(got, { a: 7, b: 7 });
  });
});

test('completes when every input has completed, not before', () => {
  const scheduler = virtual();
  let completedAt = -1;
  let count = 0;
  scheduler.run(({ cold }) => {
    const a = cold('a|', { a: 1 }); // completes at once (a GPU collector that is off)
    const b = cold('b 2999ms |', { b: 2 });
    combineOnGrid({ a, b }, { intervalMs: 1000 }).subscribe({ next: () => count++, complete: () => (completedAt = scheduler.now()) });
  });
  assert.is(completedAt, 3000);
  assert.is(count, 3, 'the first, then the slots at 1000 and 2000');
});

test('an emission that ends the subscription (take) leaves no timer armed', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    combineOnGrid({ a: clock(5, 1000, scheduler) }, { intervalMs: 1000 }).pipe(take(3)).subscribe();
  });
  // run() flushes until no action is left: with a timer re-armed after take(3) it would never return.
  assert.ok(scheduler.now() < 5000, `flush ended at ${scheduler.now()}`);
});

test('an input whose values `awaits` rules out (a loop child) is never waited for, even inside the window', () => {
  const scheduler = virtual();
  let seen: Emission[] = [];
  scheduler.run(() => {
    const cpu = clock(5, 1000, scheduler);
    const gpu = clock(100, 1000, scheduler).pipe(map((n) => n + 1000)); // 100 ms after each grid point
    seen = record(scheduler, combineOnGrid({ cpu, gpu }, { intervalMs: 1000, awaits: (key) => key !== 'gpu', scheduler }), 5_999);
  });
  assert.equal(seen.map((e) => e.t), [100, 1005, 2005, 3005, 4005, 5005]);
  assert.equal(seen.map((e) => e.values.gpu), [1001, 1001, 1002, 1003, 1004, 1005], 'its latest value');
});

test('with a grid origin, the first emission anchors it and the second comes one interval later', () => {
  const scheduler = virtual();
  let seen: Emission[] = [];
  const grid = createGridOrigin();
  scheduler.run(() => {
    // Inputs that read on the anchored grid: first at 1234, then every interval from there.
    const cpu = timer(1234, 1000, scheduler).pipe(map((n) => n + 1));
    seen = record(scheduler, combineOnGrid({ cpu }, { intervalMs: 1000, grid, scheduler }), 4_999);
  });
  assert.equal(seen.map((e) => e.t), [1234, 2234, 3234, 4234]);
  assert.is(grid.current(), 1234);
});

test.run();
