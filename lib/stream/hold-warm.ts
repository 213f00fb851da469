import { Observable, asyncScheduler, defer, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * Wraps a shared (replaying) stream for one-shot readers such as REST requests: the first read
 * subscribes a holder that keeps the stream running, so later reads are answered from its replay
 * without re-subscribing the collectors (which would cancel and re-arm their linger timers on
 * every request). The holder lets go `holdMs` after the last read; the collectors' own linger
 * starts from there.
 *
 * One timer per hold period, however many reads: each read only notes its time.
 *
 * @example
 * const warmStats$ = holdWarm(monitor.stats$, 2000);
 * const stats = await firstValueFrom(warmStats$); // cheap from the second read on
 */
export function holdWarm<T>(source: Observable<T>, holdMs: number, scheduler: SchedulerLike = asyncScheduler): Observable<T> {
  let holder: Subscription | undefined;
  let lastRead = 0;
  return defer(() => {
    lastRead = scheduler.now();
    if (!holder || holder.closed) {
      const h = source.subscribe({ error: () => {} });
      if (!h.closed) {
        holder = h;
        // One action, rescheduled while reads keep coming, then it lets go.
        h.add(scheduler.schedule(function () {
          const idleFor = scheduler.now() - lastRead;
          if (idleFor < holdMs) return void this.schedule(undefined, holdMs - idleFor);
          h.unsubscribe();
        }, holdMs));
      }
    }
    return source;
  });
}
