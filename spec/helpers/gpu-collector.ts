// GPU collector specs: a real-time context and ways to gather samples.
import { asyncScheduler, firstValueFrom, take, takeWhile, toArray, timeout, type Observable } from 'rxjs';
import type { CollectorContext } from '../../lib/collectors/context.js';
import type { Sample } from '../../lib/collectors/sample.js';
import type { GpuStats } from '../../lib/types.js';

export function realCtx(over: Partial<CollectorContext> = {}): CollectorContext {
  return { intervalMs: 150, timeoutMs: 400, primeMs: 0, scheduler: asyncScheduler, procRoot: '/proc', sysRoot: '/nonexistent-sys', platform: 'linux', ...over };
}

export type Timed = Sample<GpuStats[]> & { t: number };

/** The first `n` samples (then unsubscribe), each with ms since subscription. */
export function samples(source: Observable<Sample<GpuStats[]>>, n: number, limitMs = 8000): Promise<Timed[]> {
  const start = Date.now();
  return firstValueFrom(source.pipe(take(n), timeout(limitMs), toArray()))
    .then((list) => list.map((s) => ({ ...s, t: s.at - start })));
}

/** Samples until `until` holds for one (included), then unsubscribe. */
export function samplesUntil(source: Observable<Sample<GpuStats[]>>, until: (s: Sample<GpuStats[]>) => boolean, limitMs = 8000): Promise<Timed[]> {
  const start = Date.now();
  return firstValueFrom(source.pipe(takeWhile((s) => !until(s), true), timeout(limitMs), toArray()))
    .then((list) => list.map((s) => ({ ...s, t: s.at - start })));
}
