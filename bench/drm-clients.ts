// npm run bench:drm — what finding GPU clients through /proc/<pid>/fdinfo costs on a machine where
// no process uses the GPU (a server or laptop with an AMD or Intel GPU, idle), at 200 and 3,000
// processes. The scanner (lib/collectors/gpu/drm-clients.ts) runs on the real /proc as the GPU
// collector runs it: a read every 2 s tick, the fd scan every 10 s (the process-list cadence), every
// fd readlinked again on each 6th scan. Its CPU time is divided by the time it covers (a virtual
// clock, so the run takes seconds, not minutes), giving % of one core. Measured in the same run and
// the same way, for scale: one 2 s tick of the process collector's procfs sampler ("before": what
// the service already spends on /proc at that process count).
// Extra processes are `sleep 600` children (3 fds each), removed at the end. Other work sharing the
// machine adds noise: compare the two columns within one run.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { asyncScheduler } from 'rxjs';
import { createDrmClientTracker } from '../lib/collectors/gpu/drm-clients.js';
import { procfsProcessSampler } from '../lib/collectors/processes.js';

const TICK_MS = 2000;
const RESCAN_MS = 10_000;
const PERIODS = Number(process.env.BENCH_DRM_PERIODS ?? 30); // × 10 s of virtual time per repetition
const REPEATS = Number(process.env.BENCH_DRM_REPEATS ?? 5);
const COUNTS = (process.env.BENCH_DRM_COUNTS ?? '200,3000').split(',').map(Number);

const processCount = () => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;
const children: ChildProcess[] = [];
const cleanup = () => { for (const c of children) c.kill('SIGKILL'); };
process.on('exit', cleanup);

async function ensure(count: number) {
  while (children.length > 0 && processCount() > count) children.pop()!.kill('SIGKILL');
  while (processCount() < count) {
    for (let i = 0; i < Math.min(200, count - processCount()); i++) children.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 300));
}

const cpuMicros = () => { const u = process.cpuUsage(); return u.user + u.system; };
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

/** % of one core the fdinfo scanner costs in steady state (the first full scan at subscription excluded). */
function drmCost(): number {
  let clock = 0;
  const tracker = createDrmClientTracker({ procRoot: '/proc', sysRoot: '/sys', rescanMs: RESCAN_MS, now: () => clock });
  tracker.read();
  let clients = 0;
  const start = cpuMicros();
  for (let p = 0; p < PERIODS; p++) {
    for (let t = 0; t < RESCAN_MS / TICK_MS; t++) {
      clock += TICK_MS;
      clients += tracker.read().clients.length;
    }
  }
  if (clients > 0) console.warn(`note: ${clients / (PERIODS * 5)} GPU clients on this machine`);
  return ((cpuMicros() - start) / (PERIODS * RESCAN_MS * 1000)) * 100;
}

/** % of one core the process collector's /proc sampler costs at one tick every 2 s. */
function processCost(): number {
  const sampler = procfsProcessSampler({ procRoot: '/proc', scheduler: asyncScheduler });
  sampler.baseline!(new AbortController().signal);
  const ticks = 10;
  const start = cpuMicros();
  for (let i = 0; i < ticks; i++) sampler.sample(new AbortController().signal);
  return ((cpuMicros() - start) / (ticks * TICK_MS * 1000)) * 100;
}

console.log(`| processes | fdinfo scanner, % of a core (median of ${REPEATS}) | process collector /proc sampler, % of a core | ratio |`);
console.log('|---|---|---|---|');
for (const count of COUNTS) {
  await ensure(count);
  const drm: number[] = [];
  const procs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    drm.push(drmCost());
    procs.push(processCost());
  }
  const d = median(drm);
  const p = median(procs);
  console.log(`| ${processCount()} | ${d.toFixed(4)} (runs: ${drm.map((x) => x.toFixed(4)).join(', ')}) | ${p.toFixed(3)} | ${(d / p).toFixed(3)} |`);
}
cleanup();
