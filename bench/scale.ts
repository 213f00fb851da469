// Process-count scaling: N extra sleeping processes, then the systems that list processes measured
// together; plus the process collector alone, in this process, timed per sample and its reads counted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureTogether, type Window } from './measure.js';
import { processCount } from './proc-usage.js';
import { root, sleep, startEach, type Running } from './systems.js';

export interface ScalePoint {
  extra: number;
  processes: number;
  /** The process collector alone: ms per sample (fastest of seven), reads per sample. */
  collectorMsPerSample: number;
  statReadsPerProcess: number;
  cmdlineReadsPerSample: number;
  systems: Record<string, Window>;
}

export async function runScale(o: { sizes: number[]; seconds: number; intervalMs: number; warmupMs: number }): Promise<ScalePoint[]> {
  console.log(`process scaling: +${o.sizes.join(', +')} sleeping processes; widgets-service, Glances, systeminformation loop together, ${o.seconds} s each`);
  const points: ScalePoint[] = [];
  for (const extra of o.sizes) {
    const sleepers = await startSleepers(extra);
    const running: Running[] = [];
    try {
      const collector = await timeCollector();
      await startEach(['widgets-service', 'Glances', 'systeminformation loop'], o.intervalMs, running);
      await sleep(o.warmupMs);
      const windows = await measureTogether(running, o.seconds);
      const point: ScalePoint = { extra, processes: processCount(), ...collector, systems: Object.fromEntries(windows) };
      points.push(point);
      console.log(`  +${extra} (${point.processes} processes): collector ${collector.collectorMsPerSample.toFixed(2)} ms/sample, ` +
        `${collector.statReadsPerProcess.toFixed(2)} stat reads/process, ${collector.cmdlineReadsPerSample} cmdline reads/sample; ` +
        [...windows].map(([n, w]) => `${n} ${w.cpuPercent.toFixed(2)}%`).join(', '));
    } finally {
      await Promise.all(running.map((r) => r.stop()));
      sleepers.stop();
    }
  }
  return points;
}

/** N `sleep` processes in one process group, killed together. */
async function startSleepers(n: number): Promise<{ stop(): void }> {
  const before = processCount();
  const child = spawn('sh', ['-c', `i=0; while [ $i -lt ${n} ]; do sleep 900 & i=$((i+1)); done; wait`], { detached: true, stdio: 'ignore' });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  const t0 = Date.now();
  while (processCount() < before + n && Date.now() - t0 < 60_000) await sleep(200);
  return { stop };
}

/**
 * The built process collector, run here with fs.openSync counted: ms per steady sample (fastest of seven),
 * /proc/<pid>/stat reads per process and /proc/<pid>/cmdline reads per steady sample.
 */
async function timeCollector(): Promise<Pick<ScalePoint, 'collectorMsPerSample' | 'statReadsPerProcess' | 'cmdlineReadsPerSample'>> {
  const opened: string[] = [];
  const original = fs.openSync;
  fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
    opened.push(String(path));
    return (original as (...a: unknown[]) => number)(path, ...rest);
  }) as typeof fs.openSync;
  syncBuiltinESMExports();
  try {
    const url = pathToFileURL(join(root, 'dist', 'lib', 'collectors', 'processes.js')).href;
    const { procfsProcessSampler } = await import(url) as typeof import('../lib/collectors/processes.js');
    const sampler = procfsProcessSampler({ procRoot: '/proc', scheduler: { now: () => Date.now(), schedule: () => { throw new Error('unused'); } } });
    const signal = new AbortController().signal;
    sampler.baseline!(signal);
    const times: number[] = [];
    let stat = 0;
    let cmdline = 0;
    let processes = 0;
    for (let i = 0; i < 7; i++) {
      await sleep(100);
      opened.length = 0;
      const t0 = performance.now();
      const result = sampler.sample(signal) as { value: unknown[] };
      times.push(performance.now() - t0);
      stat = opened.filter((p) => /\/\d+\/stat$/.test(p)).length;
      cmdline = opened.filter((p) => p.endsWith('/cmdline')).length;
      processes = result.value.length;
    }
    // The fastest of seven: on a shared machine the others carry other processes' time.
    return { collectorMsPerSample: Math.min(...times), statReadsPerProcess: stat / Math.max(processes, 1), cmdlineReadsPerSample: cmdline };
  } finally {
    fs.openSync = original;
    syncBuiltinESMExports();
  }
}
