import { connect, map, merge, take, takeUntil, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Guarantees a first value within `withinMs`: if the source has not emitted by then, emits
 * `placeholder()` and keeps forwarding the source. `combineLatest` waits for every input, so
 * this is what keeps one slow or hung collector from holding back all the others.
 */
export function promptFirst<T>(placeholder: () => T, withinMs: number, scheduler?: SchedulerLike): MonoTypeOperatorFunction<T> {
  return connect((source) =>
    merge(
      source,
      timer(withinMs, scheduler).pipe(takeUntil(source.pipe(take(1))), map(placeholder)),
    ),
  );
}
