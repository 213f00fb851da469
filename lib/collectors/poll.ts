import type { CollectorContext } from './context.js';
import {
  Observable,
  asyncScheduler,
  catchError,
  concat,
  concatMap,
  defer,
  exhaustMap,
  filter,
  from,
  map,
  merge,
  of,
  timeout,
  timer,
  type SchedulerLike,
} from 'rxjs';
import { gridTicks, type GridOrigin } from '../stream/grid.js';
import { errorSample, okSample, type Sample, type SampleResult } from './sample.js';

/**
 * One subscription's worth of sampling state. Stateful collectors (CPU %, rates) keep their
 * previous reading in the closure, so the state lives and dies with the subscription.
 */
export interface Sampler<T> {
  /** Take one reading. A rejected or timed-out reading becomes an error sample; the stream goes on. */
  sample(signal: AbortSignal): Promise<SampleResult<T>> | SampleResult<T>;
  /**
   * Optional first reading that only sets the baseline of a delta (CPU % needs two readings).
   * When present, the first emitted sample comes `primeMs` after subscription instead of at once.
   */
  baseline?(signal: AbortSignal): Promise<void> | void;
}

export interface PollOptions<T> {
  intervalMs: number;
  /** A reading that takes longer than this is abandoned and reported as an error. */
  timeoutMs: number;
  /** Delay between the baseline and the first real reading (and the alignment of all ticks). */
  primeMs: number;
  /** Emitted (marked not ok) when a reading fails before any good one exists. */
  placeholder: T;
  scheduler?: SchedulerLike;
  /** The monitor's grid origin (collectors pass `ctx.grid`); without it, the clock's own grid. */
  grid?: GridOrigin | undefined;
}

/** poll()'s options as a collector sets them: its context's interval, deadlines, clock and grid. */
export function pollOptions<T>(
  ctx: Pick<CollectorContext, 'intervalMs' | 'timeoutMs' | 'primeMs' | 'scheduler' | 'grid'>,
  placeholder: T,
): PollOptions<T> {
  return { intervalMs: ctx.intervalMs, timeoutMs: ctx.timeoutMs, primeMs: ctx.primeMs, placeholder, scheduler: ctx.scheduler, grid: ctx.grid };
}

/**
 * A cold observable that samples on its own timer: a first reading at once (or `primeMs` after
 * the baseline), then at every point of the interval grid (the origin of `grid` plus whole
 * multiples of the interval; without `grid`, multiples on the scheduler's clock) from half an
 * interval later on, moving with the origin when the first message anchors it. Every poller on
 * one interval shares the grid whenever it started, so the combined stream finds their readings
 * together just after each grid point; each reading is marked `onGrid` so it is waited for there.
 */
export function poll<T>(createSampler: () => Sampler<T>, options: PollOptions<T>): Observable<Sample<T>> {
  const { intervalMs, timeoutMs, primeMs, placeholder } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  return defer(() => {
    const sampler = createSampler();
    let lastGood: T | undefined;
    const hasBaseline = typeof sampler.baseline === 'function';
    const BASELINE = -1;
    const first = hasBaseline ? primeMs : 0;
    const ticks = merge(
      of(hasBaseline ? BASELINE : 0),
      gridTicks(intervalMs, first + intervalMs / 2, scheduler, options.grid?.origin$).pipe(map((n) => n + 1)),
    );
    const read = (tick: number): Observable<Sample<T> | undefined> => {
      const controller = new AbortController();
      const started = scheduler.now();
      // Synchronous samplers stay synchronous, so specs can drive them in virtual time.
      const work = defer(() => {
        const result = tick === BASELINE ? sampler.baseline!(controller.signal) : sampler.sample(controller.signal);
        return isPromise(result) ? from(result) : of(result);
      });
      return work.pipe(
        timeout({
          first: timeoutMs,
          scheduler,
          with: () => {
            controller.abort();
            throw new Error(`no answer within ${timeoutMs} ms`);
          },
        }),
        map((result): Sample<T> | undefined => {
          if (!result) return undefined;
          lastGood = result.value;
          return onGrid(okSample(result, Date.now(), scheduler.now() - started));
        }),
        catchError((error: unknown) => {
          // A failed baseline still has to produce a first sample, or combineLatest would wait.
          return of(onGrid(errorSample(lastGood ?? placeholder, error, Date.now())));
        }),
      );
    };
    return ticks.pipe(
      // The first reading comes primeMs after the baseline has finished, however long it took (a
      // systeminformation baseline can take longer than primeMs); a separate prime timer would fire
      // while the baseline still ran, be dropped, and leave the first reading to the next grid point.
      exhaustMap((tick) => (tick === BASELINE
        ? concat(read(BASELINE), timer(primeMs, scheduler).pipe(concatMap(() => read(0))))
        : read(tick))),
      filter((sample): sample is Sample<T> => sample !== undefined),
    );
  });
}

/** Readings taken at the grid points: the combined stream waits for them just after each one. */
function onGrid<T>(sample: Sample<T>): Sample<T> {
  sample.onGrid = true;
  return sample;
}

function isPromise<V>(value: V | Promise<V>): value is Promise<V> {
  return typeof (value as Promise<V> | undefined)?.then === 'function';
}
