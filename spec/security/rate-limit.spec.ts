import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRateLimiter } from '../../lib/security/rate-limit.js';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

test('an address may spend its burst at once, then is refused with Retry-After', () => {
  const c = clock();
  const limiter = createRateLimiter({ requestsPerSecond: 2, burst: 3, now: c.now });
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('10.0.0.1'), { ok: true });
  assert.equal(limiter.take('10.0.0.1'), { ok: false, retryAfterSeconds: 1 });
});

test('a refused address recovers at the sustained rate', () => {
  const c = clock();
  const limiter = createRateLimiter({ requestsPerSecond: 2, burst: 2, now: c.now });
  limiter.take('a');
  limiter.take('a');
  assert.not.ok(limiter.take('a').ok);
  c.advance(499);
  assert.not.ok(limiter.take('a').ok, 'not yet a whole token');
  c.advance(1);
  assert.ok(limiter.take('a').ok, 'one token after 500 ms at 2/s');
  assert.not.ok(limiter.take('a').ok);
  c.advance(10_000);
  assert.ok(limiter.take('a').ok);
  assert.ok(limiter.take('a').ok);
  assert.not.ok(limiter.take('a').ok, 'refill is capped at burst');
});

test('Retry-After rounds up to whole seconds for slow rates', () => {
  const c = clock();
  const limiter = createRateLimiter({ requestsPerSecond: 0.2, burst: 1, now: c.now });
  assert.ok(limiter.take('a').ok);
  assert.equal(limiter.take('a'), { ok: false, retryAfterSeconds: 5 });
  c.advance(2_000);
  assert.equal(limiter.take('a'), { ok: false, retryAfterSeconds: 3 });
  c.advance(3_000);
  assert.ok(limiter.take('a').ok);
});

test('addresses are limited independently', () => {
  const c = clock();
  const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 1, now: c.now });
  assert.ok(limiter.take('a').ok);
  assert.not.ok(limiter.take('a').ok);
  assert.ok(limiter.take('b').ok);
});

test('idle buckets that have refilled are forgotten', () => {
  const c = clock();
  const limiter = createRateLimiter({ requestsPerSecond: 10, burst: 20, now: c.now });
  for (let i = 0; i < 100; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
  assert.is(limiter.size(), 100);
  c.advance(2_000); // burst / rate = 2 s to refill completely
  limiter.take('192.0.2.1');
  assert.is(limiter.size(), 1);
});

test('a flood of distinct addresses never grows memory past maxTracked', () => {
  const c = clock();
  const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 5, maxTracked: 50, now: c.now });
  for (let i = 0; i < 10_000; i++) {
    assert.ok(limiter.take(`2001:db8::${i.toString(16)}`).ok);
    assert.ok(limiter.size() <= 50);
  }
  assert.is(limiter.size(), 50);
});

test('eviction drops the least recently seen address, keeping active ones limited', () => {
  const c = clock();
  const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 1, maxTracked: 3, now: c.now });
  limiter.take('busy');
  limiter.take('x');
  limiter.take('y');
  assert.not.ok(limiter.take('busy').ok, 'busy is now the most recent');
  limiter.take('z'); // evicts x, the least recent
  assert.not.ok(limiter.take('busy').ok, 'busy still remembered and still limited');
  assert.ok(limiter.take('x').ok, 'x was forgotten, so starts with a full bucket');
});

test('invalid settings are refused', () => {
  assert.throws(() => createRateLimiter({ requestsPerSecond: 0, burst: 1 }), /requestsPerSecond/);
  assert.throws(() => createRateLimiter({ requestsPerSecond: 1, burst: 0 }), /burst/);
  assert.throws(() => createRateLimiter({ requestsPerSecond: 1, burst: 1, maxTracked: 0 }), /maxTracked/);
});

test.run();
