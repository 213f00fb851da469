/**
 * Requests per second per client address, as a token bucket: each address may spend `burst`
 * requests at once, and earns `requestsPerSecond` back continuously. Memory is bounded: a bucket
 * idle long enough to have refilled is the same as no bucket and is dropped, and at most
 * `maxTracked` addresses are kept (the least recently seen goes first), so a flood of distinct
 * (spoofed or IPv6) addresses costs a fixed amount of memory. Evicting a busy address only
 * forgets its debt, which errs toward serving, never toward refusing a stranger.
 *
 * No timers: the clock is read on each call (and injectable for specs).
 */

export interface RateLimiterOptions {
  /** Sustained rate each address earns back, per second. */
  requestsPerSecond: number;
  /** Requests an address may make at once after a quiet spell (bucket size). */
  burst: number;
  /** Most addresses remembered at once. Default 10 000. */
  maxTracked?: number;
  /** Milliseconds clock. Default `performance.now`-like monotonic time. */
  now?: () => number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Spends one request for `addr`. */
  take(addr: string): RateDecision;
  /** Addresses currently remembered (for specs and metrics). */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Builds a limiter. Key it by `req.socket.remoteAddress` (see `clientKey` in guard.ts); never by
 * X-Forwarded-For, which any client can write.
 *
 * @example
 * const limiter = createRateLimiter({ requestsPerSecond: 20, burst: 40 });
 * const d = limiter.take('203.0.113.7');
 * if (!d.ok) { res.statusCode = 429; res.setHeader('Retry-After', String(d.retryAfterSeconds)); }
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { requestsPerSecond: rate, burst, maxTracked = 10_000 } = options;
  const now = options.now ?? (() => performance.now());
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`requestsPerSecond must be a positive number, got ${rate}`);
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new Error(`burst must be at least 1, got ${burst}`);
  if (!Number.isInteger(maxTracked) || maxTracked < 1) throw new Error(`maxTracked must be a whole number of at least 1, got ${maxTracked}`);

  /** Least recently used first: every take re-inserts its key at the end. */
  const buckets = new Map<string, Bucket>();
  /** After this long untouched, any bucket has refilled to `burst`. */
  const refillMs = (burst / rate) * 1000;

  const dropIdle = (t: number) => {
    for (const [key, b] of buckets) {
      if (t - b.at < refillMs) break; // the rest are more recent
      buckets.delete(key);
    }
  };

  return {
    take(addr) {
      const t = now();
      dropIdle(t);
      let b = buckets.get(addr);
      if (b) {
        buckets.delete(addr);
        b.tokens = Math.min(burst, b.tokens + (Math.max(0, t - b.at) / 1000) * rate);
        b.at = t;
      } else {
        if (buckets.size >= maxTracked) {
          const oldest = buckets.keys().next();
          if (!oldest.done) buckets.delete(oldest.value);
        }
        b = { tokens: burst, at: t };
      }
      buckets.set(addr, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / rate)) };
    },
    size: () => buckets.size,
  };
}
