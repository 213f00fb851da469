// shareWithLinger in virtual time: one source subscription for all, replay for newcomers, and a
// linger after the last subscriber leaves during which a newcomer keeps the same subscription.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { shareWithLinger } from '../../lib/stream/share-with-linger.js';

const scheduler = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));

test('subscribers share one subscription to the source', () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('-a-b-c-d-');
    const shared = source.pipe(shareWithLinger(0));
    expectObservable(shared, '^------!').toBe('-a-b-c-');
    expectObservable(shared, '--^----!').toBe('--ab-c-');
    expectSubscriptions(source.subscriptions).toBe('^------!');
  });
});

test('a newcomer gets the latest value at once (replay of one)', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const shared = cold('-a--b-----').pipe(shareWithLinger(0));
    expectObservable(shared, '^--------!').toBe('-a--b----');
    expectObservable(shared, '------^--!').toBe('------b--');
  });
});

test('the source is torn down lingerMs after the last subscriber leaves', () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('-a-b-c-d-e-f-g-');
    expectObservable(source.pipe(shareWithLinger(5)), '^--!').toBe('-a-');
    expectSubscriptions(source.subscriptions).toBe('^-------!'); // 3 + 5
  });
});

test('a subscriber arriving within the linger keeps the same subscription and gets the latest value', () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('-a-b-c-d-e-f-g-');
    const shared = source.pipe(shareWithLinger(5));
    expectObservable(shared, '^--!').toBe('-a-');
    expectObservable(shared, '------^---!').toBe('------cd-e-'); // c replayed (emitted at 5), then live
    expectSubscriptions(source.subscriptions).toBe('^--------------!'); // 10 + 5: never restarted
  });
});

test('a subscriber after the linger starts the source again, with no stale replay', () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('-a-b-c-');
    const shared = source.pipe(shareWithLinger(2));
    expectObservable(shared, '^--!').toBe('-a-');
    expectObservable(shared, '--------^----!').toBe('---------a-b-');
    expectSubscriptions(source.subscriptions).toBe(['^----!', '--------^------!']); // each 2 ms past its last subscriber
  });
});

test('lingerMs 0 tears the source down at once', () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('-a-b-c-');
    expectObservable(source.pipe(shareWithLinger(0)), '^--!').toBe('-a-');
    expectSubscriptions(source.subscriptions).toBe('^--!');
  });
});

// An ended source is never lingered on or replayed: the next subscriber starts it afresh.
for (const [ending, source, first, later, second, subscriptions] of [
  ['an error (passed to every subscriber)', '-a-#', '-a-#', '-----^', '------a-#', ['^--!', '-----^--!']],
  ['completion', '-a|', '-a|', '----^', '-----a|', ['^-!', '----^-!']],
] as const) {
  test(`${ending} resets: a later subscriber gets a fresh run, not the old last value`, () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold(source);
      const shared = src.pipe(shareWithLinger(10));
      expectObservable(shared).toBe(first);
      expectObservable(shared, later).toBe(second);
      expectSubscriptions(src.subscriptions).toBe([...subscriptions]);
    });
  });
}

test.run();
