// V8's compilers beyond its interpreter cost the service resident memory the first time they run:
// their own code pages in the node binary, their compile zones and the code they make. TurboFan
// (the optimizing compiler) about 5 MiB, Sparkplug (the baseline compiler) about 1 MiB, measured.
// A sample every 2 s gains nothing from them (the same CPU with or without, within noise); a REST
// flood or thousands of processes per sample gain a lot. So the CLI starts with both off and turns
// them on, for good, the first time the service is busy. Library users keep their V8 flags.
import { setFlagsFromString } from 'node:v8';
import { asyncScheduler, interval, type SchedulerLike } from 'rxjs';
import { COMPILERS_OFF, COMPILERS_ON } from './compiler-flags.js';

/** `auto`: off until busy; `on`: V8's default; `off`: never (smallest memory, slower under load). */
export type OptimizerMode = 'auto' | 'on' | 'off';
export { COMPILERS_OFF, COMPILERS_ON };
export const OPTIMIZER_MODES: readonly OptimizerMode[] = ['auto', 'on', 'off'];

export interface OptimizerPolicy {
  /** Busy: at least this share of one core (own CPU, all threads) in each of `busyWindows` windows in a row. */
  busyShare: number;
  windowMs: number;
  busyWindows: number;
}

/**
 * Two windows in a row, so that a one-off burst (a history request, a GPU tool's start) is not
 * mistaken for load; the watch's first window starts at its first tick, after start-up (module
 * loading and the first readings cost about 3 % of a core over the first 5 s on a 16-core machine).
 */
export const OPTIMIZER_POLICY: OptimizerPolicy = { busyShare: 0.03, windowMs: 5000, busyWindows: 2 };

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
  setFlags(COMPILERS_OFF);
  if (mode === 'off') return () => {};
  let last: number | undefined;
  let busyInARow = 0;
  const watch = interval(policy.windowMs, scheduler).subscribe(() => {
    const now = cpuMicros();
    const share = last === undefined ? 0 : (now - last) / 1000 / policy.windowMs;
    const first = last === undefined;
    last = now;
    busyInARow = !first && share >= policy.busyShare ? busyInARow + 1 : 0;
    if (busyInARow < policy.busyWindows) return;
    setFlags(COMPILERS_ON);
    watch.unsubscribe();
    hooks.onEnabled?.(share);
  });
  return () => watch.unsubscribe();
}
