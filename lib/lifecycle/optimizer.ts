// V8's optimizing compiler (TurboFan) costs the service about 5 MB of resident memory the first
// time it runs: its own code pages in the node binary and its compile zones. A sample every 2 s
// gains nothing from it (measured: the same CPU with or without it), a REST flood or thousands of
// processes per sample gain a lot. So the CLI starts with it off and turns it on, for good, the
// first time the service is busy. Library users keep their process's V8 flags as they are.
import { setFlagsFromString } from 'node:v8';
import { asyncScheduler, interval, type SchedulerLike } from 'rxjs';

/** `auto`: off until busy; `on`: V8's default; `off`: never (smallest memory, slower under load). */
export type OptimizerMode = 'auto' | 'on' | 'off';
export const OPTIMIZER_MODES: readonly OptimizerMode[] = ['auto', 'on', 'off'];

export interface OptimizerPolicy {
  /** Busy: this share of one core (own CPU, all threads) over one window. */
  busyShare: number;
  windowMs: number;
}

export const OPTIMIZER_POLICY: OptimizerPolicy = { busyShare: 0.03, windowMs: 5000 };

export interface OptimizerHooks {
  setFlags?: (flags: string) => void;
  /** Process CPU time in µs (user + system), as process.cpuUsage(). */
  cpuMicros?: () => number;
  scheduler?: SchedulerLike;
  /** Called once when the compiler is turned on, with the busy share that did it. */
  onEnabled?: (share: number) => void;
}

/** Applies `mode`; returns a stop function (ends the watch in `auto`). */
export function manageOptimizer(mode: OptimizerMode, policy: OptimizerPolicy = OPTIMIZER_POLICY, hooks: OptimizerHooks = {}): () => void {
  const setFlags = hooks.setFlags ?? setFlagsFromString;
  const cpuMicros = hooks.cpuMicros ?? (() => { const u = process.cpuUsage(); return u.user + u.system; });
  const scheduler = hooks.scheduler ?? asyncScheduler;
  if (mode === 'on') return () => {};
  setFlags('--no-turbofan');
  if (mode === 'off') return () => {};
  let last = cpuMicros();
  const watch = interval(policy.windowMs, scheduler).subscribe(() => {
    const now = cpuMicros();
    const share = (now - last) / 1000 / policy.windowMs;
    last = now;
    if (share < policy.busyShare) return;
    setFlags('--turbofan');
    watch.unsubscribe();
    hooks.onEnabled?.(share);
  });
  return () => watch.unsubscribe();
}
