/**
 * Token buckets: a client may spend `burst` requests at once and earns `requestsPerSecond` back
 * continuously. `createTokenBucket` is one bucket (a WebSocket connection's messages);
 * `createRateLimiter` keeps one bucket per key (HTTP clients). The keyed limiter's memory is
 * bounded: a bucket idle long enough to have refilled is the same as no bucket and is dropped, and
 * at most `maxTracked` keys are kept (the least recently seen goes first), so a flood of distinct
 * keys costs a fixed amount of memory. Evicting a busy key only forgets its debt, which errs toward
 * serving, never toward refusing a stranger.
 *
 * No timers: the clock is read on each call (and injectable for specs).
 */

export interface RateLimiterOptions {
  /** Sustained rate each key earns back, per second. */
  requestsPerSecond: number;
  /** Requests a key may make at once after a quiet spell (bucket size). */
  burst: number;
  /** Most keys remembered at once. Default 10 000. */
  maxTracked?: number;
  /** Milliseconds clock. Default `performance.now`. */
  now?: () => number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Spends one request for `key`. */
  take(key: string): RateDecision;
  /** Keys currently remembered (for specs and metrics). */
  size(): number;
}

export interface TokenBucket {
  /** Spends one token at time `t` (ms). */
  take(t: number): RateDecision;
  /** Time of the last take, ms. */
  readonly at: number;
}

function checkRate(rate: number, burst: number): void {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`requestsPerSecond must be a positive number, got ${rate}`);
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`burst must be at least 1, got ${burst}`);
}

/**
 * One bucket, full at time `start`.
 *
 * @example
 * const bucket = createTokenBucket(20, 40, performance.now());
 * if (!bucket.take(performance.now()).ok) ws.close(1008, 'too many messages');
 */
export function createTokenBucket(rate: number, burst: number, start: number): TokenBucket {
  checkRate(rate, burst);
  let tokens = burst;
  let at = start;
  return {
    take(t) {
      tokens = Math.min(burst, tokens + (Math.max(0, t - at) / 1000) * rate);
      at = t;
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate)) };
    },
    get at() {
      return at;
    },
  };
}

/**
 * Builds a keyed limiter. Key it by what the client cannot forge on its own (the socket address,
 * see `rateKey` in guard.ts); never by X-Forwarded-For, which any client can write.
 *
 * @example
 * const limiter = createRateLimiter({ requestsPerSecond: 20, burst: 40 });
 * const d = limiter.take('203.0.113.7');
 * if (!d.ok) { res.statusCode = 429; res.setHeader('Retry-After', String(d.retryAfterSeconds)); }
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { requestsPerSecond: rate, burst, maxTracked = 10_000 } = options;
  const now = options.now ?? (() => performance.now());
  checkRate(rate, burst);
  if (!Number.isInteger(maxTracked) || maxTracked < 1) throw new RangeError(`maxTracked must be a whole number of at least 1, got ${maxTracked}`);

  /** Least recently used first: every take re-inserts its key at the end. */
  const buckets = new Map<string, TokenBucket>();
  /** After this long untouched, any bucket has refilled to `burst`. */
  const refillMs = (burst / rate) * 1000;

  const dropIdle = (t: number) => {
    for (const [key, b] of buckets) {
      if (t - b.at < refillMs) break; // the rest are more recent
      buckets.delete(key);
    }
  };

  return {
    take(key) {
      const t = now();
      dropIdle(t);
      let b = buckets.get(key);
      if (b) {
        buckets.delete(key);
      } else {
        if (buckets.size >= maxTracked) {
          const oldest = buckets.keys().next();
          if (!oldest.done) buckets.delete(oldest.value);
        }
        b = createTokenBucket(rate, burst, t);
      }
      buckets.set(key, b);
      return b.take(t);
    },
    size: () => buckets.size,
  };
}
