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
  setFlags(COMPILERS_OFF);
  if (mode === 'off') return () => {};
  let last = cpuMicros();
  const watch = interval(policy.windowMs, scheduler).subscribe(() => {
    const now = cpuMicros();
    const share = (now - last) / 1000 / policy.windowMs;
    last = now;
    if (share < policy.busyShare) return;
    setFlags(COMPILERS_ON);
    watch.unsubscribe();
    hooks.onEnabled?.(share);
  });
  return () => watch.unsubscribe();
}
