// The interval grid in virtual time: ticks on whole multiples of the interval of the scheduler's
// clock, whenever the subscriber arrives, and a late tick never shifts the phase.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { createGridOrigin, gridTicks, nextGridTime } from '../../lib/stream/grid.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));

test('nextGridTime: the first whole multiple of the interval at least minGap ahead', () => {
  assert.is(nextGridTime(0, 2000), 0, 'on the grid already');
  assert.is(nextGridTime(1, 2000), 2000);
  assert.is(nextGridTime(1999, 2000), 2000);
  assert.is(nextGridTime(1999, 2000, 250), 4000, 'a point closer than minGap is skipped');
  assert.is(nextGridTime(1750, 2000, 250), 2000, 'exactly minGap ahead is fine');
  assert.is(nextGridTime(1_700_000_000_123, 1000), 1_700_000_000_000 + 1000, 'epoch-aligned');
});

test('ticks 0, 1, 2, … on the grid, the first no sooner than firstGapMs', () => {
  const scheduler = virtual();
  scheduler.run(({ expectObservable }) => {
    expectObservable(gridTicks(10, 3, scheduler), '^ 35ms !').toBe('10ms a 9ms b 9ms c', { a: 0, b: 1, c: 2 });
  });
});

test('subscribers arriving at different times share one phase', () => {
  const scheduler = virtual();
  scheduler.run(({ expectObservable }) => {
    expectObservable(gridTicks(10, 0, scheduler), '^ 25ms !').toBe('a 9ms b 9ms c', { a: 0, b: 1, c: 2 });
    expectObservable(gridTicks(10, 0, scheduler), '7ms ^ 20ms !').toBe('10ms a 9ms b', { a: 0, b: 1 });
    expectObservable(gridTicks(10, 5, scheduler), '7ms ^ 20ms !').toBe('20ms a', { a: 0 });
  });
});

test('a tick that runs late (a busy event loop) does not shift the later ones', () => {
  const scheduler = virtual();
  const seen: number[] = [];
  scheduler.run(() => {
    const sub = gridTicks(10, 0, scheduler).subscribe((n) => {
      seen.push(scheduler.now());
      // Work inside the tick that takes 4 ms of the clock, as a slow subscriber would.
      if (n === 1) scheduler.frame += 4;
    });
    scheduler.schedule(() => sub.unsubscribe(), 45);
  });
  assert.equal(seen, [0, 10, 20, 30, 40]);
});

test('unsubscribing stops the ticks', () => {
  const scheduler = virtual();
  scheduler.run(({ expectObservable }) => {
    expectObservable(gridTicks(10, 0, scheduler), '^ 12ms !').toBe('a 9ms b', { a: 0, b: 1 });
  });
});

test('nextGridTime on a grid anchored elsewhere than the epoch', () => {
  assert.is(nextGridTime(1234, 1000, 0, 1234), 1234, 'the origin is a grid point');
  assert.is(nextGridTime(1235, 1000, 0, 1234), 2234);
  assert.is(nextGridTime(1734, 1000, 500, 1234), 2234);
  assert.is(nextGridTime(1735, 1000, 500, 1234), 3234);
});

test('a grid origin is anchored once until released', () => {
  const grid = createGridOrigin();
  assert.is(grid.current(), 0, 'the clock\'s own grid until anchored');
  assert.is(grid.anchor(1234), 1234);
  assert.is(grid.anchor(5000), 1234, 'a later anchor keeps the grid in force');
  grid.release();
  assert.is(grid.anchor(5000), 5000, 'after a release the next start anchors anew');
});

test('when the origin moves, the pending tick moves to the new grid', () => {
  const scheduler = virtual();
  const seen: number[] = [];
  scheduler.run(() => {
    const grid = createGridOrigin();
    // Subscribed at 0 with a first gap of 5: on the epoch grid the first tick would be at 10.
    const sub = gridTicks(10, 5, scheduler, grid.origin$).subscribe(() => seen.push(scheduler.now()));
    scheduler.schedule(() => grid.anchor(3), 3);
    scheduler.schedule(() => sub.unsubscribe(), 40);
  });
  assert.equal(seen, [13, 23, 33]);
});

test('a move never doubles a reading: the next tick is at least half an interval after the last', () => {
  const scheduler = virtual();
  const seen: number[] = [];
  scheduler.run(() => {
    const grid = createGridOrigin();
    const sub = gridTicks(10, 0, scheduler, grid.origin$).subscribe(() => seen.push(scheduler.now()));
    scheduler.schedule(() => grid.anchor(12), 12); // 2 ms after a tick: 12 is too close, 22 is next
    scheduler.schedule(() => sub.unsubscribe(), 35);
  });
  assert.equal(seen, [0, 10, 22, 32]);
});

test.run();
