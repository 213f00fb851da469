// WebSocket fan-out: one service (a child process with the real collectors), 1, 100 and 1000
// clients on /ws/stats over 127.0.0.1. Reports the service's CPU % of one core and RSS per case,
// median of several runs. Bounded in time; stops by itself.
//
//   node --import tsx bench/fanout.ts            (alone)
//   import { runFanout } from './fanout.js'      (from bench/run.ts)
//
// Environment: BENCH_FANOUT_CLIENTS=1,100,1000  BENCH_FANOUT_SECONDS=8  BENCH_FANOUT_RUNS=3
//              BENCH_FANOUT_INTERVAL_MS=2000
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { median, rssBytes } from './proc-usage.js';
import { stopChild } from './systems.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);

export interface FanoutOptions {
  clients?: number[];
  /** Measured seconds per case (after connecting and two ticks of warm-up). */
  seconds?: number;
  runs?: number;
  intervalMs?: number;
  /** Write .bench/fanout.json (default true). */
  write?: boolean;
}

export interface FanoutCase {
  clients: number;
  /** Service process (and its tool children) CPU, % of one core, median over runs. */
  cpuPercent: number;
  cpuPercentRuns: number[];
  /** Service RSS, MiB: median over the measured window, then over runs. */
  rssMiB: number;
  rssMiBRuns: number[];
  /** Peak RSS seen in any run, MiB. */
  rssPeakMiB: number;
  /** Delivered stats messages per client per second (≈ 1000 / interval when every client keeps up). */
  messagesPerClientPerSec: number;
  bytesPerMessage: number;
  connectSeconds: number;
}

export interface FanoutReport {
  machine: string;
  cpus: number;
  intervalMs: number;
  secondsPerCase: number;
  runs: number;
  cases: FanoutCase[];
}

const envList = (name: string) => process.env[name]?.split(',').map(Number).filter((n) => Number.isFinite(n) && n > 0);

export async function runFanout(options: FanoutOptions = {}): Promise<FanoutReport> {
  if (process.platform !== 'linux') throw new Error('the fan-out benchmark reads /proc and runs on Linux only');
  const clientCounts = options.clients ?? envList('BENCH_FANOUT_CLIENTS') ?? [1, 100, 1000];
  const seconds = options.seconds ?? Number(process.env.BENCH_FANOUT_SECONDS ?? 8);
  const runs = options.runs ?? Number(process.env.BENCH_FANOUT_RUNS ?? 3);
  const intervalMs = options.intervalMs ?? Number(process.env.BENCH_FANOUT_INTERVAL_MS ?? 2000);
  console.log(`ws fan-out: ${clientCounts.join(', ')} clients, ${runs} runs × ${seconds} s measured per case, interval ${intervalMs} ms`);

  const perCase = new Map<number, RunResult[]>(clientCounts.map((n) => [n, []]));
  for (let run = 1; run <= runs; run++) {
    for (const n of clientCounts) {
      const r = await measureCase(n, seconds, intervalMs);
      perCase.get(n)!.push(r);
      console.log(`run ${run}, ${n} client(s): ${r.cpuPercent.toFixed(2)}% cpu, ${r.rssMiB.toFixed(1)} MiB rss, ` +
        `${r.messagesPerClientPerSec.toFixed(2)} msg/client/s, connected in ${r.connectSeconds.toFixed(2)} s`);
    }
  }
  const cases: FanoutCase[] = clientCounts.map((n) => {
    const rs = perCase.get(n)!;
    return {
      clients: n,
      cpuPercent: round(median(rs.map((r) => r.cpuPercent))),
      cpuPercentRuns: rs.map((r) => round(r.cpuPercent)),
      rssMiB: round(median(rs.map((r) => r.rssMiB))),
      rssMiBRuns: rs.map((r) => round(r.rssMiB)),
      rssPeakMiB: round(Math.max(...rs.map((r) => r.rssPeakMiB))),
      messagesPerClientPerSec: round(median(rs.map((r) => r.messagesPerClientPerSec))),
      bytesPerMessage: Math.round(median(rs.map((r) => r.bytesPerMessage))),
      connectSeconds: round(median(rs.map((r) => r.connectSeconds))),
    };
  });
  console.table(cases.map((c) => ({
    clients: c.clients,
    'CPU % of one core (median)': c.cpuPercent.toFixed(2),
    'RSS MiB (median)': c.rssMiB.toFixed(1),
    'RSS peak MiB': c.rssPeakMiB.toFixed(1),
    'msg/client/s': c.messagesPerClientPerSec.toFixed(2),
    'bytes/msg': c.bytesPerMessage,
  })));
  const report: FanoutReport = {
    machine: `${process.platform} ${process.arch}, ${os.cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`,
    cpus: os.cpus().length,
    intervalMs,
    secondsPerCase: seconds,
    runs,
    cases,
  };
  if (options.write !== false) {
    mkdirSync(join(root, '.bench'), { recursive: true });
    writeFileSync(join(root, '.bench', 'fanout.json'), JSON.stringify(report, null, 2));
    console.log('written .bench/fanout.json');
  }
  return report;
}

interface RunResult {
  cpuPercent: number;
  rssMiB: number;
  rssPeakMiB: number;
  messagesPerClientPerSec: number;
  bytesPerMessage: number;
  connectSeconds: number;
}

async function measureCase(n: number, seconds: number, intervalMs: number): Promise<RunResult> {
  const { child, port, lines } = await startChild(n, intervalMs);
  const sockets: WebSocket[] = [];
  let messages = 0;
  let bytes = 0;
  try {
    const t0 = performance.now();
    // Connect in batches, as widgets starting together would, without a SYN flood on one core.
    for (let i = 0; i < n; i += 100) {
      const batch = Array.from({ length: Math.min(100, n - i) }, () => openClient(port, (size) => {
        messages++;
        bytes += size;
      }));
      sockets.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (performance.now() - t0) / 1000;
    // Warm-up: first readings, primed CPU deltas, JIT.
    await sleep(intervalMs * 2);
    const pid = child.pid!;
    const cpu0 = await serviceCpuSeconds(child, lines);
    const m0 = messages;
    const b0 = bytes;
    const rss: number[] = [];
    const w0 = performance.now();
    while (performance.now() - w0 < seconds * 1000) {
      await sleep(250);
      rss.push(rssBytes(pid));
    }
    const elapsed = (performance.now() - w0) / 1000;
    const cpu = (await serviceCpuSeconds(child, lines)) - cpu0;
    const got = messages - m0;
    return {
      cpuPercent: (cpu / elapsed) * 100,
      rssMiB: median(rss) / 2 ** 20,
      rssPeakMiB: Math.max(...rss) / 2 ** 20,
      messagesPerClientPerSec: got / n / elapsed,
      bytesPerMessage: got ? (bytes - b0) / got : 0,
      connectSeconds,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await stopChild(child);
  }
}

function openClient(port: number, onMessage: (size: number) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/stats`, { perMessageDeflate: false });
    ws.on('message', (data: Buffer) => onMessage(data.length));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * The service runs the built code (dist/, as `npm run bench` builds it first) in a plain node, so
 * its RSS is the service's and not a TypeScript loader's; without dist/ it runs the sources via tsx.
 */
function startChild(maxClients: number, intervalMs: number): Promise<{ child: ChildProcess; port: number; lines: LineReader }> {
  const built = join(root, 'dist', 'lib', 'server.js');
  const args = existsSync(built)
    ? ['--input-type=module', '-e', SERVE_SOURCE, pathToFileURL(built).href, String(maxClients + 10), String(intervalMs)]
    : ['--import', 'tsx', self, '--serve', String(maxClients + 10), String(intervalMs)];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = lineReader(child);
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`fan-out service exited with ${code} before it was ready`))));
  exited.catch(() => {});
  return Promise.race([lines.next(/^ready (\d+)$/), exited]).then(
    (m) => ({ child, port: Number(m[1]), lines }),
    (error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    },
  );
}


/** The service side: the real monitor and server, with room for the clients (the default caps are lower). */
async function serve(serverModule: string, maxClients: number, intervalMs: number): Promise<void> {
  const { startServer } = await import(serverModule) as typeof import('../lib/server.js');
  const running = await startServer({
    port: 0,
    host: '127.0.0.1',
    monitor: { intervalMs },
    // Every bench client shares 127.0.0.1: lift the per-address rate limit for the connect burst.
    security: { rateLimit: { requestsPerSecond: 1_000_000, burst: 1_000_000 } },
    webSocket: { maxClients },
  });
  const stop = () => void running.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent went away: do not outlive it.
  process.stdin.on('end', stop);
  // "cpu" on stdin: answer this process's CPU time in microseconds.
  process.stdin.on('data', (d: Buffer) => {
    if (d.toString().includes('cpu')) {
      const u = process.cpuUsage();
      process.stdout.write(`cpu ${u.user + u.system}\n`);
    }
  });
  process.stdout.write(`ready ${running.port}\n`);
}

/** `serve` for a plain node (`node --input-type=module -e`), given the built server's URL. Keep in step. */
const SERVE_SOURCE = `
const [serverModule, maxClients, intervalMs] = process.argv.slice(1);
const { startServer } = await import(serverModule);
const running = await startServer({
  port: 0, host: '127.0.0.1', monitor: { intervalMs: Number(intervalMs) },
  security: { rateLimit: { requestsPerSecond: 1000000, burst: 1000000 } },
  webSocket: { maxClients: Number(maxClients) },
});
const stop = () => void running.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('data', (d) => {
  if (d.toString().includes('cpu')) {
    const u = process.cpuUsage();
    process.stdout.write('cpu ' + (u.user + u.system) + '\\n');
  }
});
process.stdout.write('ready ' + running.port + '\\n');
`;

/**
 * CPU seconds of the service: its own process.cpuUsage() (microseconds, finer than the 10 ms ticks
 * of /proc/<pid>/stat), asked over stdin, plus reaped children (tools like nvidia-smi) from stat.
 */
async function serviceCpuSeconds(child: ChildProcess, lines: LineReader): Promise<number> {
  const answer = lines.next(/^cpu (\d+)$/);
  child.stdin!.write('cpu\n');
  const own = Number((await answer)[1]) / 1e6;
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return own + (Number(fields[13]) + Number(fields[14])) / 100;
}

/** The child's stdout, line by line, for request/answer exchanges. */
interface LineReader {
  next(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

function lineReader(child: ChildProcess): LineReader {
  const waiting: { pattern: RegExp; resolve(m: RegExpExecArray): void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    for (let i = 0; i < waiting.length; i++) {
      const m = waiting[i]!.pattern.exec(line);
      if (m) {
        waiting.splice(i, 1)[0]!.resolve(m);
        break;
      }
    }
  });
  return {
    next(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fan-out service: no line like ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({ pattern, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 100) / 100;

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const i = process.argv.indexOf('--serve');
  const main = i >= 0
    ? serve(new URL('../lib/server.js', import.meta.url).href, Number(process.argv[i + 1]), Number(process.argv[i + 2]))
    : runFanout().then(() => undefined);
  main.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
