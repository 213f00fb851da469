import { ReplaySubject, of, share, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Shares one subscription among all subscribers, replays the latest value to newcomers, and
 * tears the source down `lingerMs` after the last subscriber leaves (a subscriber arriving
 * within the linger keeps it alive). With `lingerMs` 0, or once `ended()` says so (the owner was
 * closed), it tears down at once.
 *
 * @example
 * const cpu$ = cpuCollector(ctx, {}).pipe(shareWithLinger(5000, ctx.scheduler));
 */
export function shareWithLinger<T>(lingerMs: number, scheduler?: SchedulerLike, ended: () => boolean = () => false): MonoTypeOperatorFunction<T> {
  return share<T>({
    connector: () => new ReplaySubject<T>(1),
    resetOnError: true,
    resetOnComplete: true,
    resetOnRefCountZero: lingerMs > 0 ? () => (ended() ? of(0) : timer(lingerMs, scheduler)) : true,
  });
}
