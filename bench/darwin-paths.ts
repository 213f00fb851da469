// node --import tsx bench/darwin-paths.ts [seconds per run, default 30] [runs, default 3]
//
// The macOS collectors (lib/platform/darwin) run on Linux with the stand-ins (spec/stand-ins) beside
// the Linux (procfs) collectors, at the same time, each with one WebSocket client on every topic at
// the default 2 s interval: CPU of the service process itself, CPU of the tool processes it started
// (the stand-ins are Node scripts, so a start costs far more than the real tool's), and the tool
// starts per tick from FAKE_TOOLS_LOG. Both run through spec/tools/serve-darwin.mjs (the library's
// startServer with the platform forced), so they differ only in their collectors. A third service
// runs the darwin path without the gpu topic (no ioreg), to show what the per-tick ioreg costs.
// Needs `npm run build` first. The machine may be shared: compare the two within one run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { descendants, median } from './proc-usage.js';
import { root, sleep } from './systems.js';

const seconds = Number(process.argv[2] ?? 30);
const runs = Number(process.argv[3] ?? 3);
const INTERVAL_MS = 2000;
const CLK_TCK = 100;

/** utime + stime of one process (its children not included), seconds. */
function ownCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Reaped children's CPU (cutime + cstime) plus live descendants' own CPU, seconds. */
function toolsCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let total = (Number(f[13]) + Number(f[14])) / CLK_TCK;
  for (const child of descendants(pid)) {
    try { total += ownCpu(child); } catch { /* gone */ }
  }
  return total;
}

interface Served { pid: number; log: string; stop(): Promise<void> }

async function serve(platform: 'darwin' | 'linux', dir: string, topics?: string[]): Promise<Served> {
  const log = join(dir, `${platform}-${topics ? 'some' : 'all'}.log`);
  const child = spawn(process.execPath, [join(root, 'spec', 'tools', 'serve-darwin.mjs'), String(INTERVAL_MS), platform], {
    env: { ...process.env, PATH: `${join(root, 'spec', 'stand-ins')}:${process.env.PATH}`, FAKE_TOOLS_LOG: log, WIDGETS_NO_LOOP_METER: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`${platform} service exited: ${err}`)));
  });
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/stats`);
  ws.on('error', () => {});
  await new Promise((r) => ws.once('open', r));
  if (topics) ws.send(JSON.stringify({ subscribe: topics }));
  return {
    pid: child.pid!,
    log,
    stop: async () => {
      ws.terminate();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

function starts(log: string): string[] {
  try { return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ')[0]!); } catch { return []; }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-darwin-'));
const NAMES: Record<string, string> = {
  darwin: 'darwin (stand-ins), every topic',
  darwinNoGpu: 'darwin (stand-ins), every topic but gpu',
  linux: 'linux (procfs), every topic',
};
const rows: Record<string, { own: number[]; tools: number[]; perTick: number[] }> = Object.fromEntries(Object.keys(NAMES).map((k) => [k, { own: [], tools: [], perTick: [] }]));
try {
  for (let run = 0; run < runs; run++) {
    const services: Record<string, Served> = {
      darwin: await serve('darwin', dir),
      darwinNoGpu: await serve('darwin', dir, ['cpu', 'memory', 'disk', 'network', 'processes']),
      linux: await serve('linux', dir),
    };
    await sleep(8000); // start-up: module loads, the loop tools' first samples
    const before = Object.fromEntries(Object.entries(services).map(([k, s]) => [k, { own: ownCpu(s.pid), tools: toolsCpu(s.pid), starts: starts(s.log).length }]));
    await sleep(seconds * 1000);
    for (const [k, s] of Object.entries(services)) {
      const b = before[k]!;
      rows[k]!.own.push(((ownCpu(s.pid) - b.own) / seconds) * 100);
      rows[k]!.tools.push(((toolsCpu(s.pid) - b.tools) / seconds) * 100);
      rows[k]!.perTick.push((starts(s.log).length - b.starts) / (seconds * 1000 / INTERVAL_MS));
    }
    await Promise.all(Object.values(services).map((s) => s.stop()));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${runs} runs × ${seconds} s, one WebSocket client on every topic, interval ${INTERVAL_MS} ms; load average now ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| collectors | service CPU % (median, runs) | stand-in tools CPU % | tool starts per tick |');
console.log('|---|---|---|---|');
for (const [k, r] of Object.entries(rows)) {
  const f = (v: number[]) => `${median(v).toFixed(2)} (${v.map((x) => x.toFixed(2)).join(', ')})`;
  console.log(`| ${NAMES[k]} | ${f(r.own)} | ${f(r.tools)} | ${median(r.perTick).toFixed(2)} |`);
}
