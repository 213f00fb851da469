// promptFirst in virtual time: a placeholder only when the source is late, and the source unchanged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { promptFirst } from '../../lib/stream/prompt-first.js';

const scheduler = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const placeholder = () => 'p';

test('a source that answers within the deadline passes through untouched, no placeholder', () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('--a--b--|');
    expectObservable(source.pipe(promptFirst(placeholder, 5))).toBe('--a--b--|');
    expectSubscriptions(source.subscriptions).toBe('^-------!');
  });
});

test('a late source: the placeholder at the deadline, then every real value', () => {
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('-------a--b--|').pipe(promptFirst(placeholder, 3))).toBe('---p---a--b--|');
  });
});

test('a source that never answers: exactly one placeholder, and the stream stays open', () => {
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('-').pipe(promptFirst(placeholder, 4)), '^ 20ms !').toBe('----p');
  });
});

test('the deadline is measured from subscription, per subscriber', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const late = cold('------a|').pipe(promptFirst(placeholder, 2));
    expectObservable(late, '^').toBe('--p---a|');
    expectObservable(late, '---^').toBe('-----p---a|');
  });
});

test('an error before the deadline is passed on, and no placeholder follows it', () => {
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('-#').pipe(promptFirst(placeholder, 3))).toBe('-#');
  });
});

test('a source that ends without a value still gets its placeholder (combineLatest needs one per input)', () => {
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('-|').pipe(promptFirst(placeholder, 3))).toBe('---(p|)');
  });
});

test('unsubscribing before the deadline cancels the placeholder and the source', () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('--------a');
    expectObservable(source.pipe(promptFirst(placeholder, 5)), '^--!').toBe('---');
    expectSubscriptions(source.subscriptions).toBe('^--!');
  });
});

test('the placeholder is made when due, not when the operator is built', () => {
  let made = 0;
  scheduler().run(({ cold, expectObservable, flush }) => {
    const stream = cold('-----a').pipe(promptFirst(() => `p${++made}`, 2));
    assert.is(made, 0);
    expectObservable(stream, '^ 10ms !').toBe('--x--a', { x: 'p1', a: 'a' });
    flush();
    assert.is(made, 1);
  });
});

test.run();
