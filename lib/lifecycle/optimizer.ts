// V8's compilers beyond its interpreter cost the service resident memory the first time they run:
// their own code pages in the node binary, their compile zones and the code they make. TurboFan
// (the optimizing compiler) about 5 MiB, Sparkplug (the baseline compiler) about 1 MiB, measured.
// A sample every 2 s gains nothing from them (the same CPU with or without, within noise); a REST
// flood or thousands of processes per sample gain a lot. So the CLI starts with both off and turns
// them on, for good, the first time the service is busy. Library users keep their V8 flags.
import { setFlagsFromString } from 'node:v8';
import { asyncScheduler, interval, type SchedulerLike } from 'rxjs';
import { LEAN_V8_FLAGS, DEFAULT_V8_FLAGS } from './v8-flags.js';
import type { LeanFlags } from './v8-probe.js';

/** `auto`: off until busy; `on`: V8's default; `off`: never (smallest memory, slower under load). */
export type OptimizerMode = 'auto' | 'on' | 'off';
export const OPTIMIZER_MODES: readonly OptimizerMode[] = ['auto', 'on', 'off'];

export interface OptimizerPolicy {
  /** Busy: the service's own CPU (all threads) over the last `spanTicks` ticks is at least this share of one core. */
  busyShare: number;
  tickMs: number;
  spanTicks: number;
  /** Ticks after start before the watch begins: start-up (the first readings) is not load. */
  graceTicks: number;
}

/**
 * Looked at every second over the last two: a REST flood turns the compilers on within about 2 s,
 * while a service sampling every 2 s (one sample in any 2 s) stays under 2 % until a sample costs
 * 40 ms of CPU: about 3,000 processes interpreted (measured 2.6 % there, 1.3 % at 1,000, 0.3 % at
 * 200). A one-off burst of a few milliseconds (a history request, a GPU tool's start) is far below
 * it. The first 5 s are start-up.
 */
export const OPTIMIZER_POLICY: OptimizerPolicy = { busyShare: 0.02, tickMs: 1000, spanTicks: 2, graceTicks: 5 };

export interface OptimizerHooks {
  setFlags?: (flags: string) => void;
  /** Process CPU time in µs (user + system), as process.cpuUsage(). */
  cpuMicros?: () => number;
  scheduler?: SchedulerLike;
  /** Called once when the compiler is turned on, with the busy share that did it. */
  onEnabled?: (share: number) => void;
  /** The flags to switch between, as this V8 needs them (lib/lifecycle/v8-probe.ts). */
  flags?: LeanFlags;
}

/** Applies `mode`; returns a stop function (ends the watch in `auto`). */
export function manageOptimizer(mode: OptimizerMode, policy: OptimizerPolicy = OPTIMIZER_POLICY, hooks: OptimizerHooks = {}): () => void {
  const setFlags = hooks.setFlags ?? setFlagsFromString;
  const cpuMicros = hooks.cpuMicros ?? (() => { const u = process.cpuUsage(); return u.user + u.system; });
  const scheduler = hooks.scheduler ?? asyncScheduler;
  const { lean, normal } = hooks.flags ?? { lean: LEAN_V8_FLAGS, normal: DEFAULT_V8_FLAGS };
  if (mode === 'on') return () => {};
  setFlags(lean);
  if (mode === 'off') return () => {};
  const readings: number[] = []; // CPU µs at the last spanTicks + 1 ticks after the grace period
  let ticks = 0;
  const watch = interval(policy.tickMs, scheduler).subscribe(() => {
    if (++ticks < policy.graceTicks) return;
    readings.push(cpuMicros());
    if (readings.length <= policy.spanTicks) return;
    readings.splice(0, readings.length - policy.spanTicks - 1);
    const share = (readings.at(-1)! - readings[0]!) / 1000 / (policy.tickMs * policy.spanTicks);
    if (share < policy.busyShare) return;
    setFlags(normal);
    watch.unsubscribe();
    hooks.onEnabled?.(share);
  });
  return () => watch.unsubscribe();
}
