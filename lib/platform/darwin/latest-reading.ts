// The newest reading of a loop-mode tool, for a poller that asks once per tick. The tool runs on
// its own clock; read() answers with its latest parsed reading, waits for the first one, or says why
// there is none. A tool that died, or went silent for longer than staleMs, is restarted at a later
// read() after a backoff (doubling from firstMs to maxMs, reset by a good reading), so a tool that
// keeps crashing costs one start per backoff step, not one per tick.
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { oneLine } from '../../format/one-line.js';

export interface LatestReadingOptions {
  staleMs: number;
  backoff: { firstMs: number; maxMs: number };
  scheduler: SchedulerLike;
  /** Names the tool in errors. */
  name: string;
}

export interface LatestReading<T> {
  /** The latest reading; the first call starts the tool. Rejects when it failed, was aborted or has gone quiet. */
  read(signal?: AbortSignal): Promise<T>;
  /**
   * Like read(), but while the tool has given no reading yet (it is still starting) waits at most
   * waitMs and then resolves undefined instead of failing: a slow start is not an error.
   */
  readOrNothing(signal: AbortSignal | undefined, waitMs: number): Promise<T | undefined>;
  /** Stops the tool (unsubscribe). */
  stop(): void;
}

export function latestReading<T>(start: () => Observable<T>, options: LatestReadingOptions): LatestReading<T> {
  const { scheduler } = options;
  let subscription: Subscription | undefined;
  let value: { reading: T; at: number } | undefined;
  let failure: Error | undefined;
  let restartAt = 0;
  let attempt = 0;
  let waiters: { resolve: (v: T) => void; reject: (e: Error) => void }[] = [];
  let stopped = false;
  let launchedAt = 0;

  const settle = (outcome: { reading: T } | { error: Error }) => {
    const pending = waiters;
    waiters = [];
    for (const w of pending) ('reading' in outcome ? w.resolve(outcome.reading) : w.reject(outcome.error));
  };
  const fail = (error: Error) => {
    subscription?.unsubscribe();
    subscription = undefined;
    failure = error;
    value = undefined;
    restartAt = scheduler.now() + Math.min(options.backoff.firstMs * 2 ** attempt, options.backoff.maxMs);
    attempt++;
    settle({ error });
  };
  const launch = () => {
    failure = undefined;
    launchedAt = scheduler.now();
    value = undefined;
    let running = true;
    subscription = start().subscribe({
      next: (reading) => {
        value = { reading, at: scheduler.now() };
        attempt = 0;
        settle({ reading });
      },
      error: (e: unknown) => { running = false; fail(new Error(oneLine(e))); },
      complete: () => { running = false; fail(new Error(`${options.name}: ended`)); },
    });
    if (!running) subscription = undefined;
  };

  const api: LatestReading<T> = {
    async readOrNothing(signal, waitMs) {
      if (value) return api.read(signal);
      const patience = new AbortController();
      const timer = setTimeout(() => patience.abort(), waitMs);
      const onAbort = () => patience.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await api.read(patience.signal);
      } catch (error) {
        if (patience.signal.aborted && !signal?.aborted && failure === undefined) return undefined;
        throw error;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
    read(signal) {
      if (stopped) return Promise.reject(new Error(`${options.name}: stopped`));
      const now = scheduler.now();
      if (!subscription && (failure === undefined || now >= restartAt)) launch();
      if (failure && !subscription) return Promise.reject(failure);
      if (!value && subscription && now - launchedAt > options.staleMs) {
        fail(new Error(`${options.name}: no reading within ${now - launchedAt} ms of its start (restarting)`));
        return Promise.reject(failure!);
      }
      if (value) {
        if (now - value.at <= options.staleMs) return Promise.resolve(value.reading);
        fail(new Error(`${options.name}: no new reading for ${now - value.at} ms (restarting)`));
        return Promise.reject(failure!);
      }
      return new Promise<T>((resolve, reject) => {
        const waiter = { resolve, reject };
        waiters.push(waiter);
        signal?.addEventListener('abort', () => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`${options.name}: no first reading yet`));
        }, { once: true });
      });
    },
    stop() {
      stopped = true;
      subscription?.unsubscribe();
      subscription = undefined;
      settle({ error: new Error(`${options.name}: stopped`) });
    },
  };
  return api;
}
