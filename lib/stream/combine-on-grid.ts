import { Observable, asyncScheduler, type ObservedValueOf, type SchedulerLike, type Subscription } from 'rxjs';
import { gridPointAtOrBefore, nextGridTime, type GridOrigin } from './grid.js';

export interface CombineOnGridOptions {
  /** The grid: the origin of `grid` (else 0) plus whole multiples of this on the scheduler's clock. One emission per grid slot. */
  intervalMs: number;
  /**
   * How long after a grid point to wait for the inputs that usually report just after it
   * (default a quarter of the interval, at most 1 s; never more than half the interval).
   */
  maxWaitMs?: number;
  /** Inputs known to report on another interval: never waited for, their latest value is used. */
  ownPace?: readonly string[];
  /**
   * Whether an input's latest value is one to wait for in the next slot (default: always). The
   * monitor waits only for readings taken at grid points; a loop child on its own clock, a
   * collector that reported once and stopped, or a placeholder contribute their latest value.
   */
  awaits?: (key: string, value: unknown) => boolean;
  /**
   * The grid's origin, shared with the inputs that read on it. The first emission anchors it if
   * nothing has, so that the second comes one interval after the first. Without it: the clock's own grid.
   */
  grid?: GridOrigin;
  scheduler?: SchedulerLike;
}

type Inputs = Record<string, Observable<unknown>>;
export type Combined<T extends Inputs> = { [K in keyof T]: ObservedValueOf<T[K]> };

/**
 * Combines the latest value of every input into exactly one emission per interval, whatever the
 * inputs' phases: the first as soon as every input has a value, then one in each grid slot.
 *
 * A slot is a grid point plus a short waiting window. Inputs that reported inside the previous
 * slot's window (the pollers, which tick on the same grid) are waited for, so the slot's emission
 * carries their fresh reading; inputs on a clock of their own (the nvidia-smi loop child, a
 * slower per-topic interval, a slow reader) are not, and contribute their latest value. The
 * waited-for set follows each input's real phase, less the values `awaits` rules out (a loop
 * child's block may land inside the window by chance: waiting for it would make every message late
 * by its phase). A slot emits once, when everything it waits for
 * has reported or when its window ends, whichever comes first: the count is exact by construction.
 *
 * @example
 * combineOnGrid({ cpu: cpu$, gpu: gpu$ }, { intervalMs: 2000 }).subscribe(({ cpu, gpu }) => render(cpu, gpu));
 */
export function combineOnGrid<T extends Inputs>(inputs: T, options: CombineOnGridOptions): Observable<Combined<T>> {
  const { intervalMs } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const windowMs = Math.min(options.maxWaitMs ?? Math.min(intervalMs / 4, 1000), intervalMs / 2);
  const keys = Object.keys(inputs) as (keyof T & string)[];
  const ownPace = new Set(options.ownPace ?? []);
  const awaits = options.awaits ?? (() => true);
  const grid = options.grid;

  return new Observable<Combined<T>>((subscriber) => {
    const latest = {} as Combined<T>;
    const has = new Set<string>();
    let firstSlot = Number.POSITIVE_INFINITY;
    let slot = Number.NEGATIVE_INFINITY;
    let emitted = true;
    let arrived = new Set<string>();
    let awaited = new Set<string>();
    let origin = 0;
    let timer: Subscription | undefined;

    const emit = () => {
      emitted = true;
      // Keys in the inputs' order (the contract's field order), not in the order values arrived.
      const out = {} as Combined<T>;
      for (const k of keys) out[k] = latest[k];
      subscriber.next(out);
    };
    /** Opens the slot of grid point `g` (from its timer, or from an input reporting at g first). */
    const enterSlot = (g: number) => {
      if (g <= slot) return;
      if (slot !== Number.NEGATIVE_INFINITY) awaited = arrived;
      slot = g;
      emitted = false;
      arrived = new Set();
    };
    const emitIfComplete = () => {
      if (emitted) return;
      for (const k of awaited) if (!arrived.has(k)) return;
      emit();
    };
    const schedule = (at: number, work: () => void) => {
      timer?.unsubscribe();
      // An emission may have ended the subscription (take(n)): then nothing more is armed.
      if (subscriber.closed) return;
      timer = scheduler.schedule(work, Math.max(0, at - scheduler.now()));
    };
    const arm = (g: number) =>
      schedule(g, () => {
        enterSlot(g);
        emitIfComplete();
        schedule(g + windowMs, () => {
          if (slot === g && !emitted) emit();
          arm(nextGridTime(g + 1, intervalMs, 0, origin));
        });
      });

    const onValue = (key: string) => {
      has.add(key);
      if (firstSlot === Number.POSITIVE_INFINITY) {
        if (has.size < keys.length) return;
        emit();
        const now = scheduler.now();
        // Anchored here on a cold start, the next slot is exactly one interval away; on a grid
        // already running (another reader keeps the collectors warm), the first point at least
        // half an interval away.
        origin = grid ? grid.anchor(now) : 0;
        firstSlot = nextGridTime(now, intervalMs, intervalMs / 2, origin);
        awaited = new Set(keys.filter((k) => !ownPace.has(k) && awaits(k, latest[k])));
        arm(firstSlot);
        return;
      }
      const now = scheduler.now();
      const g = gridPointAtOrBefore(now, intervalMs, origin);
      if (g < firstSlot || now - g > windowMs) return; // outside every window: latest value only
      enterSlot(g);
      if (!ownPace.has(key) && awaits(key, latest[key])) arrived.add(key);
      emitIfComplete();
    };

    let completed = 0;
    const subscriptions = keys.map((key) =>
      inputs[key]!.subscribe({
        next: (value) => {
          latest[key] = value as Combined<T>[typeof key];
          onValue(key);
        },
        error: (error: unknown) => subscriber.error(error),
        // Like combineLatest: an input that completes (a GPU collector turned off) keeps its last
        // value; the whole completes when every input has (the monitor was closed).
        complete: () => {
          if (++completed === keys.length) subscriber.complete();
        },
      }),
    );
    return () => {
      timer?.unsubscribe();
      for (const s of subscriptions) s.unsubscribe();
    };
  });
}
