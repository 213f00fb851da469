// A back-end's first sample must come promptly, so the combined stream is never held back by a slow
// or hung tool: if nothing came within `timeoutMs`, emit `[]` marked not ok, then carry on.
import { Observable, timer, type SchedulerLike } from 'rxjs';
import type { GpuStats } from '../../types.js';
import type { Sample } from '../sample.js';

export function promptFirst(
  source: Observable<Sample<GpuStats[]>>,
  timeoutMs: number,
  scheduler: SchedulerLike,
  error: string,
  sourceName?: string,
): Observable<Sample<GpuStats[]>> {
  return new Observable((subscriber) => {
    let seen = false;
    const placeholder = timer(timeoutMs, scheduler).subscribe(() => {
      if (!seen) subscriber.next({ value: [], ok: false, error, at: Date.now(), ...(sourceName ? { source: sourceName } : {}) });
    });
    const inner = source.subscribe({
      next: (sample) => {
        seen = true;
        placeholder.unsubscribe();
        subscriber.next(sample);
      },
      error: (e) => subscriber.error(e),
      complete: () => subscriber.complete(),
    });
    return () => {
      placeholder.unsubscribe();
      inner.unsubscribe();
    };
  });
}

/** A failed reading shows `[]` (this service's choice), not poll()'s last good value. */
export function emptyOnError(sample: Sample<GpuStats[]>): Sample<GpuStats[]> {
  return sample.ok ? sample : { ...sample, value: [] };
}
