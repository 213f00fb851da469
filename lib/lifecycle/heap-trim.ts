// V8 collects its old generation only when it reaches a limit set from the last live size. Until
// then every reading that lived long enough to be promoted there (held by the replay for an
// interval, by a frame in flight) stays as garbage. Measured at 2 s with one client: RSS 49 → 54 MiB
// over 13 minutes and still rising, heap used 6.4 → 10 MB, while what is live stays about 6.5 MB.
// A full collection once a minute, when the heap has grown, keeps RSS flat (49.6 MiB from minute 4
// to 7) for 6–7 ms of CPU a minute. Only the CLI does this: a library user's heap is theirs.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { asyncScheduler, interval, type SchedulerLike } from 'rxjs';

/**
 * V8's own full collection (%CollectGarbage), without --expose-gc (whose gc() only appears in a
 * new context, about 2 MiB to create): natives syntax is allowed for compiling this one function.
 */
export function fullCollection(): () => void {
  setFlagsFromString('--allow-natives-syntax');
  try {
    return new Function('%CollectGarbage(true)') as () => void;
  } finally {
    setFlagsFromString('--no-allow-natives-syntax');
  }
}

export interface HeapTrimOptions {
  everyMs?: number;
  /** Collect only when the heap grew this much since the last collection (an idle service: never). */
  minGrowthBytes?: number;
  scheduler?: SchedulerLike;
  collect?: () => void;
  heapUsed?: () => number;
}

/** Starts the periodic collection; returns a stop function. */
export function trimHeapPeriodically(options: HeapTrimOptions = {}): () => void {
  const { everyMs = 60_000, minGrowthBytes = 256 * 1024, scheduler = asyncScheduler } = options;
  const collect = options.collect ?? fullCollection();
  const heapUsed = options.heapUsed ?? (() => getHeapStatistics().used_heap_size);
  let afterLast = heapUsed();
  const watch = interval(everyMs, scheduler).subscribe(() => {
    if (heapUsed() - afterLast < minGrowthBytes) return;
    collect();
    afterLast = heapUsed();
  });
  return () => watch.unsubscribe();
}
