// The one `top -l 0` loop of a monitor, shared by the collectors that read it (processes: the
// per-process table; disk: the machine-wide Disks line), like the Windows AgentPool: started by
// the first user, stopped when the last one releases it, so each topic alone still gets its
// figures and both together start `top` once.
import { map, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { resolveTool } from '../../tools/run-tool.js';
import { latestReading, type LatestReading } from './latest-reading.js';
import { loopSeconds, loopToolOutput } from './loop-tool.js';
import { createTopSplitter, parseTopSample, type TopSample } from './top.js';

export interface TopReading {
  sample: TopSample;
  /** When the sample arrived (scheduler ms): a rate is measured between samples, not between reads. */
  at: number;
  /** 0 for top's first sample, whose %CPU has nothing to measure against. */
  index: number;
}

export interface TopLease {
  /** The newest sample; undefined while top is still starting (waits at most waitMs for it). Rejects with why when top failed. */
  read(signal: AbortSignal | undefined, waitMs: number): Promise<TopReading | undefined>;
  /** This user is done; the last release stops `top`. */
  release(): void;
}

export interface TopPool {
  acquire(): TopLease;
}

export interface TopPoolOptions {
  /** top's own interval (-s, whole seconds): the shortest interval of the topics that read it. */
  intervalMs: number;
  timeoutMs: number;
  scheduler: SchedulerLike;
  /** Where `top` is looked for (PATH); default this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/** top's samples, one per interval (the first one's %CPU has nothing to measure against: TopReading.index 0). */
export function topSamples(file: string, intervalMs: number, env: NodeJS.ProcessEnv | undefined, scheduler: SchedulerLike): Observable<TopSample> {
  return new Observable<TopSample>((subscriber) => {
    const splitter = createTopSplitter((text) => {
      try {
        subscriber.next(parseTopSample(text));
      } catch (error) {
        subscriber.error(error);
      }
    });
    let quiet: Subscription | undefined;
    const args = ['-l', '0', '-s', String(loopSeconds(intervalMs)), '-stats', 'pid,cpu,mem,state,command'];
    const inner = loopToolOutput(file, args, env).subscribe({
      next: (chunk) => {
        splitter.push(chunk);
        // top prints a sample at once and then sleeps: 100 ms of quiet means the sample is whole.
        quiet?.unsubscribe();
        quiet = scheduler.schedule(() => splitter.flush(), 100);
      },
      error: (e) => subscriber.error(e),
    });
    return () => { quiet?.unsubscribe(); inner.unsubscribe(); };
  });
}

const BACKOFF = { firstMs: 2000, maxMs: 60_000 };

export function createTopPool(options: TopPoolOptions): TopPool {
  const { scheduler, env } = options;
  let users = 0;
  let keeper: LatestReading<TopReading> | undefined;
  const start = (): LatestReading<TopReading> => latestReading(() => {
    const file = resolveTool('top', (env ?? process.env).PATH, 'darwin');
    if (!file) throw new Error('top: not found on PATH');
    return topSamples(file, options.intervalMs, env, scheduler).pipe(map((sample, index) => ({ sample, at: scheduler.now(), index })));
  }, { name: 'top', scheduler, staleMs: 2 * loopSeconds(options.intervalMs) * 1000 + options.timeoutMs, backoff: BACKOFF });
  return {
    acquire() {
      users++;
      keeper ??= start();
      const mine = keeper;
      let released = false;
      return {
        read: (signal, waitMs) => (released ? Promise.reject(new Error('top: used after release')) : mine.readOrNothing(signal, waitMs)),
        release() {
          if (released) return;
          released = true;
          users--;
          if (users === 0 && keeper) {
            keeper.stop();
            keeper = undefined;
          }
        },
      };
    },
  };
}
