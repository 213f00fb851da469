import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { firstValueFrom, map, mergeMap, take, timeout } from 'rxjs';
import { poll, type Sampler } from '../../lib/collectors/poll.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));

function counter(): Sampler<number> {
  let n = 0;
  return { sample: () => ({ value: ++n, source: 'test' }) };
}

test('a plain collector samples at once, then at the interval grid points from half an interval on', () => {
  virtual().run(({ expectObservable }) => {
    const values = poll(counter, { intervalMs: 2000, timeoutMs: 500, primeMs: 250, placeholder: 0 })
      .pipe(map((s) => s.value), take(3));
    expectObservable(values).toBe('a 1999ms b 1999ms (c|)', { a: 1, b: 2, c: 3 });
  });
});

test('pollers started at different times read at the same grid points', () => {
  virtual().run(({ expectObservable, cold }) => {
    const early = poll(counter, { intervalMs: 1000, timeoutMs: 500, primeMs: 100, placeholder: 0 })
      .pipe(map((s) => s.value), take(3));
    // Subscribed 700 ms later: a first reading at once, then 2000 (1000 is under half an interval away).
    const late = cold('700ms a|').pipe(
      mergeMap(() => poll(counter, { intervalMs: 1000, timeoutMs: 500, primeMs: 100, placeholder: 0 }).pipe(map((s) => s.value), take(3))),
    );
    expectObservable(early).toBe('a 999ms b 999ms (c|)', { a: 1, b: 2, c: 3 });
    expectObservable(late).toBe('700ms a 1299ms b 999ms (c|)', { a: 1, b: 2, c: 3 });
  });
});

test('a delta collector takes its baseline at once and first emits after the prime delay', () => {
  virtual().run(({ expectObservable }) => {
    let baselines = 0;
    const sampler = (): Sampler<number> => {
      let n = 0;
      return { baseline: () => { baselines++; }, sample: () => ({ value: ++n, source: 'test' }) };
    };
    const values = poll(sampler, { intervalMs: 2000, timeoutMs: 500, primeMs: 250, placeholder: 0 })
      .pipe(map((s) => s.value), take(2));
    // First reading 250 ms after the baseline, then the first grid point at least half an interval later.
    expectObservable(values).toBe('250ms a 1749ms (b|)', { a: 1, b: 2 });
  });
});

test('a baseline slower than the prime delay still gets its first reading a prime delay after it ends, not a grid point later', async () => {
  // systeminformation baselines (si.currentLoad primes itself for 500 ms; PowerShell on Windows)
  // outlast primeMs. The next grid point here is at least 5 s away: waiting for it would time out.
  const slowBaseline = (): Sampler<number> => ({
    baseline: () => new Promise<void>((resolve) => setTimeout(resolve, 300)),
    sample: () => ({ value: 42, source: 'test' }),
  });
  const first = await firstValueFrom(
    poll(slowBaseline, { intervalMs: 10_000, timeoutMs: 2000, primeMs: 50, placeholder: 0 }).pipe(timeout(4000)),
  );
  assert.is(first.value, 42);
  assert.ok(first.ok, 'a real reading, not the placeholder');
});

test('a failing reading becomes an error sample holding the placeholder, and the stream goes on', () => {
  virtual().run(({ expectObservable }) => {
    const flaky = (): Sampler<number> => {
      let n = 0;
      return { sample: () => { if (++n === 1) throw new Error('boom\nstack'); return { value: n, source: 't' }; } };
    };
    const values = poll(flaky, { intervalMs: 1000, timeoutMs: 500, primeMs: 0, placeholder: -1 })
      .pipe(map((s) => `${s.value}:${s.ok}:${s.error ?? ''}`), take(2));
    expectObservable(values).toBe('a 999ms (b|)', { a: '-1:false:boom', b: '2:true:' });
  });
});

test('a hanging reading is abandoned after the timeout, and the last good value is kept', () => {
  virtual().run(({ expectObservable, cold }) => {
    let n = 0;
    let aborted = 0;
    const hangsSecond = (): Sampler<number> => ({
      sample: (signal) => {
        n++;
        if (n === 2) {
          signal.addEventListener('abort', () => aborted++);
          return new Promise(() => {});
        }
        return { value: n, source: 't' };
      },
    });
    const values = poll(hangsSecond, { intervalMs: 1000, timeoutMs: 300, primeMs: 0, placeholder: 0 })
      .pipe(map((s) => `${s.value}:${s.ok}`), take(3));
    expectObservable(values).toBe('a 1299ms b 699ms (c|)', { a: '1:true', b: '1:false', c: '3:true' });
    cold('1500ms |').subscribe({ complete: () => assert.is(aborted, 1) });
  });
});

test.run();
