import { BehaviorSubject, Observable, asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * The first point of the interval grid (`originMs` plus whole multiples of `intervalMs` on the
 * scheduler's clock, so every stream on one interval shares one phase) at least `minGapMs` after `now`.
 */
export function nextGridTime(now: number, intervalMs: number, minGapMs = 0, originMs = 0): number {
  return originMs + Math.ceil((now + minGapMs - originMs) / intervalMs) * intervalMs;
}

/** The grid point at or before `now`. */
export function gridPointAtOrBefore(now: number, intervalMs: number, originMs = 0): number {
  return originMs + Math.floor((now - originMs) / intervalMs) * intervalMs;
}

/**
 * Where one monitor's interval grid starts. Until it is anchored the grid is the clock's own
 * (multiples of the interval since the epoch); the first message after collection starts from
 * idle anchors it at that message, so the next message comes exactly one interval after the
 * first instead of at whatever epoch multiple follows (anywhere from half an interval to one
 * and a half). The pollers re-align to it at once; it is released when collection stops.
 */
export interface GridOrigin {
  /** The origin now, then each new one. */
  readonly origin$: Observable<number>;
  current(): number;
  /** Anchors the grid at `at` unless it is anchored already; returns the origin in force. */
  anchor(at: number): number;
  /** Collection went idle: the next anchor() sets a new origin. */
  release(): void;
}

export function createGridOrigin(): GridOrigin {
  const origin = new BehaviorSubject(0);
  let anchored = false;
  return {
    origin$: origin.asObservable(),
    current: () => origin.value,
    anchor(at) {
      if (!anchored) {
        anchored = true;
        if (at !== origin.value) origin.next(at);
      }
      return origin.value;
    },
    release() {
      anchored = false;
    },
  };
}

/**
 * Emits 0, 1, 2, … at grid points: the first one at least `firstGapMs` after subscription,
 * then at every later grid point. Each wait is computed from the clock, so late timers never
 * make the phase drift. When `origin$` moves the grid, the pending tick moves to the new grid
 * (never sooner than half an interval after the previous tick, so no reading is doubled).
 */
export function gridTicks(
  intervalMs: number,
  firstGapMs: number,
  scheduler: SchedulerLike = asyncScheduler,
  origin$?: Observable<number>,
): Observable<number> {
  return new Observable<number>((subscriber) => {
    let n = 0;
    let origin = 0;
    let last: number | undefined;
    let action: Subscription | undefined;
    const earliest = scheduler.now() + firstGapMs;
    const arm = (due: number) => {
      action?.unsubscribe();
      action = scheduler.schedule(function tick() {
        last = due;
        subscriber.next(n++);
        due = nextGridTime(Math.max(scheduler.now(), due) + 1, intervalMs, 0, origin);
        this.schedule(undefined, due - scheduler.now());
      }, due - scheduler.now());
    };
    let armed = false;
    const moves = origin$?.subscribe((next) => {
      if (armed && next === origin) return;
      origin = next;
      if (!armed) return;
      const after = last === undefined ? earliest : last + intervalMs / 2;
      arm(nextGridTime(Math.max(scheduler.now() + 1, after), intervalMs, 0, origin));
    });
    armed = true;
    arm(nextGridTime(Math.max(scheduler.now(), earliest), intervalMs, 0, origin));
    return () => {
      moves?.unsubscribe();
      action?.unsubscribe();
    };
  });
}
