import { Observable, asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * The first point of the interval grid (whole multiples of `intervalMs` on the scheduler's
 * clock, so every stream on one interval shares one phase) at least `minGapMs` after `now`.
 */
export function nextGridTime(now: number, intervalMs: number, minGapMs = 0): number {
  return Math.ceil((now + minGapMs) / intervalMs) * intervalMs;
}

/**
 * Emits 0, 1, 2, … at grid points: the first one at least `firstGapMs` after subscription,
 * then at every later grid point. Each wait is computed from the clock, so late timers never
 * make the phase drift.
 */
export function gridTicks(intervalMs: number, firstGapMs: number, scheduler: SchedulerLike = asyncScheduler): Observable<number> {
  return new Observable<number>((subscriber) => {
    let n = 0;
    let due = nextGridTime(scheduler.now(), intervalMs, firstGapMs);
    return scheduler.schedule(function tick() {
      subscriber.next(n++);
      due = nextGridTime(Math.max(scheduler.now(), due) + 1, intervalMs);
      this.schedule(undefined, due - scheduler.now());
    }, due - scheduler.now());
  });
}
