// Steady state: every system started together, read every interval, measured over the same window.
import { measureTogether, type Window } from './measure.js';
import { SYSTEMS, sleep, startEach, startService, type Running } from './systems.js';

export interface SteadyResult {
  runs: number;
  seconds: number;
  intervalMs: number;
  /** Per system, one window per run. */
  systems: Record<string, Window[]>;
}

export async function runSteady(o: { runs: number; seconds: number; intervalMs: number; warmupMs: number }): Promise<SteadyResult> {
  console.log(`steady state: ${SYSTEMS.join(', ')} and an idle widgets-service, together; ${o.runs} × ${o.seconds} s, interval ${o.intervalMs} ms`);
  const systems: Record<string, Window[]> = {};
  for (let run = 1; run <= o.runs; run++) {
    const running: Running[] = [];
    try {
      await startEach(SYSTEMS, o.intervalMs, running);
      running.push(await startService({ intervalMs: o.intervalMs, clients: 0, name: 'widgets-service, no client' }));
      await sleep(o.warmupMs); // start-up (module loading, static facts, first readings) is not steady state
      const windows = await measureTogether(running, o.seconds);
      const line: string[] = [];
      for (const [name, w] of windows) {
        (systems[name] ??= []).push(w);
        line.push(`${name} ${w.cpuPercent.toFixed(2)}% ${w.rssMiB.toFixed(1)} MiB`);
      }
      console.log(`  run ${run}: ${line.join('; ')}`);
    } finally {
      await Promise.all(running.map((r) => r.stop()));
    }
  }
  return { runs: o.runs, seconds: o.seconds, intervalMs: o.intervalMs, systems };
}
