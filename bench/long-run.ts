// Steady state for ten minutes (the "RSS after 10 minutes"): widgets-service with one
// WebSocket client beside node_exporter and a bare node, measured together minute by minute. The
// history fills over these ten minutes (300 readings per topic at 2 s), so this is where the
// service's memory settles.
import { measureTogether } from './measure.js';
import { startEach, startService, type Running } from './systems.js';

export interface LongRunResult {
  seconds: number;
  intervalMs: number;
  /** Per system: one entry per minute (CPU % over that minute; RSS MiB at its end and its median, read every 500 ms). */
  systems: Record<string, { minute: number; cpuPercent: number; rssEndMiB: number; rssMedianMiB: number }[]>;
}

export async function runLong(o: { seconds: number; intervalMs: number }): Promise<LongRunResult> {
  const minutes = Math.max(1, Math.round(o.seconds / 60));
  console.log(`long run: widgets-service (1 client), node_exporter and a bare node together for ${minutes} min at ${o.intervalMs} ms`);
  const running: Running[] = [];
  const systems: LongRunResult['systems'] = {};
  try {
    running.push(await startService({ intervalMs: o.intervalMs }));
    await startEach(['node_exporter', 'bare node'], o.intervalMs, running);
    for (let minute = 1; minute <= minutes; minute++) {
      const windows = await measureTogether(running, o.seconds / minutes);
      const line: string[] = [];
      for (const [name, w] of windows) {
        (systems[name] ??= []).push({ minute, cpuPercent: w.cpuPercent, rssEndMiB: w.rssEndMiB, rssMedianMiB: w.rssMiB });
        line.push(`${name} ${w.cpuPercent.toFixed(2)}% ${w.rssEndMiB.toFixed(1)} MiB (median ${w.rssMiB.toFixed(1)})`);
      }
      console.log(`  minute ${minute}: ${line.join('; ')}`);
    }
  } finally {
    await Promise.all(running.map((r) => r.stop()));
  }
  return { seconds: o.seconds, intervalMs: o.intervalMs, systems };
}
