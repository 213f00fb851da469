// How many series one machine gives Prometheus: GET /metrics counted with no extra process and with
// N extra AI/ML processes (`sleep` started under the name python3), per process name (the default)
// and per pid (--metrics-per-pid, with the default --process-limit and with one that lists them
// all). Then the N processes are restarted (new pids, as after a job restart) and the series of both
// scrapes are counted together: what Prometheus' index holds until the block is compacted away.
// Not part of `npm run bench` (it measures counts, not time):
//   npm run build && node --import tsx bench/metrics-series.ts [N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, startService } from './systems.js';

const N = Number(process.argv[2] ?? 1000);

/** Series of one scrape: each sample line's name and labels. */
async function scrape(port: number): Promise<Set<string>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf(' '))));
}
const processSeries = (series: Set<string>) => [...series].filter((s) => /^widgets_(process_|processes\b)/.test(s)).length;

/**
 * Processes named python3, zombies included (killed ones wait to be reaped by init, and the
 * service lists them until then). Assumes no other python3 runs on the machine meanwhile.
 */
function ours(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').includes(' (python3) ')) n++;
    } catch { /* exited */ }
  }
  return n;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** N processes named python3 (a link to sleep), in one process group; resolves once all run. */
async function startPythons(dir: string, n: number): Promise<{ stop(): Promise<void> }> {
  // The path comes through the environment, so the shell's own command line does not match python3.
  const child = spawn('sh', ['-c', `i=0; while [ $i -lt ${n} ]; do "$BIN" 900 & i=$((i+1)); done; wait`], {
    detached: true, stdio: 'ignore', env: { ...process.env, BIN: join(dir, 'python3') },
  });
  const stop = async () => {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    await until(() => ours() === 0, 'the python3 processes to end');
  };
  process.once('exit', () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } });
  await until(() => ours() >= n, `${n} python3 processes`);
  return { stop };
}

/** Scrapes until the python3 count the collector sees is `n` (per-name mode) or the process series stop changing. */
async function settled(port: number, n: number, perPid: boolean): Promise<Set<string>> {
  const deadline = Date.now() + 30_000;
  let last = -1;
  for (;;) {
    const series = await scrape(port);
    const count = processSeries(series);
    const text = perPid ? '' : await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const seen = perPid ? count === last : n === 0 ? !/name="python3"/.test(text) : new RegExp(`^widgets_processes\\{name="python3"\\} ${n}$`, 'm').test(text);
    if (seen || Date.now() > deadline) return series;
    last = count;
    await sleep(1500);
  }
}

const MODES: [string, string[]][] = [
  ['per name (default)', []],
  ['per pid, --process-limit 25 (default)', ['--metrics-per-pid']],
  ['per pid, --process-limit 1000', ['--metrics-per-pid', '--process-limit', '1000']],
];

const dir = mkdtempSync(join(tmpdir(), 'metrics-series-'));
symlinkSync('/bin/sleep', join(dir, 'python3'));
try {
  console.log(`series in one GET /metrics, with 0 and ${N} extra AI/ML processes (python3); "after restart": both generations of pids together`);
  console.log('| mode | series, no extra | of which per-process | series, +N | of which per-process | after restart, +N (union) | of which per-process |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [label, args] of MODES) {
    const perPid = args.includes('--metrics-per-pid');
    const service = await startService({ intervalMs: 1000, clients: 0, args: ['--linger', '60s', ...args] });
    try {
      const base = await settled(service.port, 0, perPid);
      let procs = await startPythons(dir, N);
      const first = await settled(service.port, N, perPid);
      await procs.stop();
      procs = await startPythons(dir, N);
      const second = await settled(service.port, N, perPid);
      await procs.stop();
      const union = new Set([...first, ...second]);
      console.log(`| ${label} | ${base.size} | ${processSeries(base)} | ${first.size} | ${processSeries(first)} | ${union.size} | ${processSeries(union)} |`);
    } finally {
      await service.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
