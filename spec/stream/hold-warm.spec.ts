import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { ReplaySubject, defer, finalize, firstValueFrom, interval, share, take } from 'rxjs';
import { holdWarm } from '../../lib/stream/hold-warm.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));

/** A shared, replaying source that counts how often it was (re)started and stopped. */
function counted(scheduler: TestScheduler) {
  const counts = { starts: 0, stops: 0 };
  const source = defer(() => {
    counts.starts++;
    return interval(100, scheduler).pipe(finalize(() => counts.stops++));
  }).pipe(share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true }));
  return { source, counts };
}

test('a series of one-shot reads shares one subscription, released one hold period after the last read', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const { source, counts } = counted(scheduler);
    const warm = holdWarm(source, 1000, scheduler);
    const got: number[] = [];
    for (const t of [0, 150, 400, 900, 1700]) scheduler.schedule(() => warm.pipe(take(1)).subscribe((v) => got.push(v)), t);
    scheduler.schedule(() => assert.is(counts.stops, 0, 'still held 999 ms after the last read'), 2699);
    scheduler.schedule(() => assert.is(counts.stops, 1, 'released once the reads stopped'), 2701);
    scheduler.flush();
    assert.is(counts.starts, 1, 'one subscription served every read');
    // The first read waits for a value; every later one is answered at once from the replay.
    assert.equal(got, [0, 0, 2, 7, 15]);
  });
});

test('a read after the release starts the source again', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const { source, counts } = counted(scheduler);
    const warm = holdWarm(source, 500, scheduler);
    scheduler.schedule(() => warm.pipe(take(1)).subscribe(), 0);
    scheduler.schedule(() => warm.pipe(take(1)).subscribe(), 2000);
    scheduler.flush();
    assert.equal(counts, { starts: 2, stops: 2 });
  });
});

test('a source that completes (a closed monitor) leaves no holder and no timer behind', async () => {
  const closed = holdWarm(defer(() => []), 60_000);
  assert.equal(await firstValueFrom(closed, { defaultValue: 'none' }), 'none');
  // Had a 60 s timer been armed, the uvu process would hang here instead of finishing.
});

test.run();
