// Disk I/O's cost: the service with the disk I/O fields beside the same service without them (its
// disk collector given no I/O source: the disk path as it was before), both started together, read
// by one WebSocket client every interval, measured over the same windows. Also the per-reading cost
// of the disk collector alone, the two variants interleaved in this process.
// Standalone: node --import tsx bench/disk-io.ts [runs] [seconds]   (after npm run build)
import { asyncScheduler } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { measureTogether, type Window } from './measure.js';
import { median } from './proc-usage.js';
import { sleep, startWorkload, type Running } from './systems.js';
import { diskSampler } from '../lib/collectors/disk.js';
import type { CollectorContext } from '../lib/collectors/context.js';

export const BEFORE = 'disk sizes only (before)';
export const AFTER = 'disk sizes + I/O';

export interface DiskIoBenchResult {
  runs: number;
  seconds: number;
  intervalMs: number;
  systems: Record<string, Window[]>;
  /** One disk reading, µs: median over interleaved batches, with the batch medians' spread. */
  perReadingMicros: Record<string, { median: number; min: number; max: number }>;
}

/** µs per steady-state reading of the disk collector (after its baseline), the variants alternated in batches to share the noise. */
async function perReading(count: number): Promise<DiskIoBenchResult['perReadingMicros']> {
  const ctx: CollectorContext = {
    intervalMs: 2000, timeoutMs: 5000, primeMs: 0, scheduler: asyncScheduler,
    procRoot: '/proc', sysRoot: '/sys', platform: 'linux',
  };
  const signal = new AbortController().signal;
  const samplers = { [BEFORE]: diskSampler(ctx, { ioSource: null }), [AFTER]: diskSampler(ctx, {}) };
  for (const sampler of Object.values(samplers)) await sampler.baseline?.(signal);
  const batches: Record<string, number[]> = { [BEFORE]: [], [AFTER]: [] };
  const perBatch = Math.max(1, Math.round(count / 20));
  for (let batch = 0; batch < 20; batch++) {
    for (const [name, sampler] of Object.entries(samplers)) {
      const t0 = performance.now();
      for (let i = 0; i < perBatch; i++) await sampler.sample(signal);
      batches[name]!.push(((performance.now() - t0) * 1000) / perBatch);
    }
  }
  return Object.fromEntries(Object.entries(batches).map(([name, b]) => [name, { median: median(b), min: Math.min(...b), max: Math.max(...b) }]));
}

export async function runDiskIo(o: { runs: number; seconds: number; intervalMs: number; warmupMs: number; readings?: number }): Promise<DiskIoBenchResult> {
  console.log(`disk I/O: the service with and without disk I/O, together; ${o.runs} × ${o.seconds} s, interval ${o.intervalMs} ms`);
  const systems: Record<string, Window[]> = {};
  for (let run = 1; run <= o.runs; run++) {
    const running: Running[] = [];
    try {
      running.push(await startWorkload(BEFORE, 'disk-io-service.mjs', o.intervalMs, { BENCH_DISK_IO: 'off' }));
      running.push(await startWorkload(AFTER, 'disk-io-service.mjs', o.intervalMs, { BENCH_DISK_IO: 'on' }));
      await sleep(o.warmupMs);
      const windows = await measureTogether(running, o.seconds);
      const line: string[] = [];
      for (const [name, w] of windows) {
        (systems[name] ??= []).push(w);
        line.push(`${name} ${w.cpuPercent.toFixed(3)}% ${w.rssMiB.toFixed(1)} MiB ${w.samples} msgs`);
      }
      console.log(`  run ${run}: ${line.join('; ')}`);
    } finally {
      await Promise.all(running.map((r) => r.stop()));
    }
  }
  const perReadingMicros = await perReading(o.readings ?? 2000);
  for (const [name, m] of Object.entries(perReadingMicros)) console.log(`  one disk reading, ${name}: ${m.median.toFixed(1)} µs (batches ${m.min.toFixed(1)}–${m.max.toFixed(1)})`);
  return { runs: o.runs, seconds: o.seconds, intervalMs: o.intervalMs, systems, perReadingMicros };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [runs = 3, seconds = 30] = process.argv.slice(2).map(Number);
  runDiskIo({ runs, seconds, intervalMs: 2000, warmupMs: 4000 }).then((r) => {
    console.log(JSON.stringify(r, null, 2));
  }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
