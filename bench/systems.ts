// The systems the benchmark compares, each started as its own process on loopback and read every
// interval the way it is used: widgets-service with one WebSocket client (as a dashboard), Prometheus'
// node_exporter scraped over HTTP (as Prometheus would), Glances in quiet mode (its own loop), a plain
// systeminformation loop (what a straightforward Node implementation does), and a bare node with a
// timer (the floor: what Node itself costs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export type SystemName = 'widgets-service' | 'node_exporter' | 'Glances' | 'systeminformation loop' | 'bare node';
export const SYSTEMS: readonly SystemName[] = ['widgets-service', 'node_exporter', 'Glances', 'systeminformation loop', 'bare node'];

export interface Running {
  name: string;
  pid: number;
  /** Readings delivered so far (messages, scrapes, loop turns); undefined where it cannot be seen. */
  samples(): number | undefined;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until an HTTP GET answers (any status), or throws after timeoutMs. */
async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode} before answering`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() - t0 > timeoutMs) throw new Error(`${url}: no answer within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

function stopper(child: ChildProcess, before?: () => void): () => Promise<void> {
  return () => {
    before?.();
    return stopChild(child);
  };
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the child is gone. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface ServiceOptions {
  intervalMs: number;
  /** WebSocket clients to connect (default 1). */
  clients?: number;
  /** More command-line arguments. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  name?: string;
  /** More node arguments (before the script), e.g. an --import preload. */
  nodeArgs?: string[];
  /** Topics each client subscribes to (default: nothing sent, the full stats object). */
  subscribe?: string[];
}

/** The built service exactly as `npm start` runs it (dist/widgets-service.mjs), with its WebSocket clients. */
export async function startService(options: ServiceOptions): Promise<Running & { port: number }> {
  const cli = join(root, 'dist', 'widgets-service.mjs');
  if (!existsSync(cli)) throw new Error('dist/widgets-service.mjs is missing: run `npm run build` (npm run bench does)');
  const port = await freePort();
  const nodeArgs = [...(process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...(options.nodeArgs ?? [])];
  const child = spawn(process.execPath, [...nodeArgs, cli, '--port', String(port), '--interval', `${options.intervalMs}ms`, '-q', ...(options.args ?? [])], {
    cwd: root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHttp(`http://127.0.0.1:${port}/api/health`, child);
  let messages = 0;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < (options.clients ?? 1); i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/stats`, { perMessageDeflate: false });
    ws.on('message', () => messages++);
    ws.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (options.subscribe) ws.send(JSON.stringify({ subscribe: options.subscribe }));
    sockets.push(ws);
  }
  return {
    name: options.name ?? 'widgets-service',
    pid: child.pid!,
    port,
    samples: () => messages,
    stop: stopper(child, () => sockets.forEach((s) => s.terminate())),
  };
}

/** node_exporter with its default collectors, scraped every interval like Prometheus would. */
export async function startNodeExporter(intervalMs: number): Promise<Running> {
  const bin = which('prometheus-node-exporter') ?? which('node_exporter');
  if (!bin) throw new Error('prometheus-node-exporter is not installed');
  const port = await freePort();
  const child = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitForHttp(url, child);
  let scrapes = 0;
  const scrape = () => fetch(url).then((r) => r.arrayBuffer()).then(() => void scrapes++, () => {});
  const timer = setInterval(scrape, intervalMs);
  return { name: 'node_exporter', pid: child.pid!, samples: () => scrapes, stop: stopper(child, () => clearInterval(timer)) };
}

/** Glances in quiet mode: its own collection loop at the interval, no display. */
export async function startGlances(intervalMs: number): Promise<Running> {
  const bin = which('glances');
  if (!bin) throw new Error('glances is not installed');
  const child = spawn(bin, ['-q', '-t', String(Math.max(1, Math.round(intervalMs / 1000)))], { stdio: ['ignore', 'ignore', 'ignore'] });
  return { name: 'Glances', pid: child.pid!, samples: () => undefined, stop: stopper(child) };
}

/** A node process running `script` from bench/workloads, printing one line per reading. */
export async function startWorkload(name: string, script: string, intervalMs: number, env: NodeJS.ProcessEnv = {}): Promise<Running & { spawns(): number }> {
  const child = spawn(process.execPath, ['--import', join(root, 'bench', 'workloads', 'count-spawns.mjs'), join(root, 'bench', 'workloads', script)], {
    cwd: root, env: { ...process.env, BENCH_INTERVAL_MS: String(intervalMs), ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let samples = 0;
  let spawns = 0;
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  // Whole lines (a chunk can end mid-line).
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [kind, count] = line.split(' ');
    if (kind === 'ready') ready();
    if (kind === 'sample') samples++;
    if (count !== undefined) spawns = Number(count);
  });
  await Promise.race([isReady, sleep(30_000)]);
  return { name, pid: child.pid!, samples: () => samples, spawns: () => spawns, stop: stopper(child) };
}

export function startSiLoop(intervalMs: number): Promise<Running> {
  return startWorkload('systeminformation loop', 'si-loop.mjs', intervalMs);
}

export async function startBareNode(intervalMs: number): Promise<Running> {
  const child = spawn(process.execPath, ['-e', `setInterval(() => {}, ${intervalMs})`], { stdio: 'ignore' });
  return { name: 'bare node', pid: child.pid!, samples: () => undefined, stop: stopper(child) };
}

export function start(name: SystemName, intervalMs: number): Promise<Running> {
  switch (name) {
    case 'widgets-service': return startService({ intervalMs });
    case 'node_exporter': return startNodeExporter(intervalMs);
    case 'Glances': return startGlances(intervalMs);
    case 'systeminformation loop': return startSiLoop(intervalMs);
    case 'bare node': return startBareNode(intervalMs);
  }
}

/**
 * Starts each named system into `running` (so the caller's cleanup stops whatever did start); one
 * that cannot run here (not installed, failed to start) is left out with a line saying why.
 */
export async function startEach(names: readonly SystemName[], intervalMs: number, running: Running[]): Promise<void> {
  for (const name of names) {
    try {
      running.push(await start(name, intervalMs));
    } catch (error) {
      console.log(`  ${name}: left out (${(error as Error).message})`);
    }
  }
}

export function which(command: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

/** Installs the Debian packages the comparison needs when they are missing (we run as root in CI). */
export function ensureTools(): string[] {
  const wanted: [string, string][] = [['prometheus-node-exporter', 'prometheus-node-exporter'], ['glances', 'glances'], ['wrk', 'wrk']];
  const missing = wanted.filter(([bin]) => !which(bin)).map(([, pkg]) => pkg);
  if (missing.length === 0) return [];
  console.log(`installing ${missing.join(', ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  if (r.status !== 0) console.log(`apt-get install failed (${r.status}): those systems are left out of the table`);
  return missing.filter((pkg) => !which(pkg === 'prometheus-node-exporter' ? pkg : pkg));
}
