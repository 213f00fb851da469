// Soak: the service at a 250 ms interval for a fixed time while WebSocket clients come and go
// (one joins and the oldest leaves every 500 ms, 20 live) and REST is read twice a second.
// The service runs in a node with --expose-gc so that its JS heap can be read after a full GC:
// what stays after GC is what each connection leaves behind.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { descendants, fdCount, rssBytes } from './proc-usage.js';
import { root, sleep } from './systems.js';

export interface SoakSnapshot {
  seconds: number;
  connectionsServed: number;
  rssMiB: number;
  heapAfterGcMiB: number;
  activeHandles: number;
  fds: number;
  children: number;
}

export interface SoakResult {
  seconds: number;
  intervalMs: number;
  snapshots: SoakSnapshot[];
  /** Heap after GC gained per connection served over the second half (bytes); ~0 when it levelled off. */
  heapBytesPerConnectionSecondHalf: number;
  heapBytesPerConnectionFirstHalf: number;
}

const SERVE = `
const { startServer } = await import(process.argv[1]);
const running = await startServer({ port: 0, host: '127.0.0.1', monitor: { intervalMs: Number(process.argv[2]) },
  security: { rateLimit: { requestsPerSecond: 1000000, burst: 1000000 } }, webSocket: { maxClients: 100 } });
process.stdin.on('data', (d) => {
  if (!d.toString().includes('mem')) return;
  gc(); gc();
  const m = process.memoryUsage();
  process.stdout.write('mem ' + JSON.stringify({ heap: m.heapUsed, handles: process.getActiveResourcesInfo().length }) + '\\n');
});
process.stdin.on('end', () => void running.close().finally(() => process.exit(0)));
process.stdout.write('ready ' + running.port + '\\n');
`;

export async function runSoak(o: { seconds: number; intervalMs: number; snapshotEveryS: number }): Promise<SoakResult> {
  console.log(`soak: ${o.seconds} s at ${o.intervalMs} ms, a client joins and one leaves every 500 ms (20 live), REST 2/s`);
  const server = pathToFileURL(join(root, 'dist', 'lib', 'server.js')).href;
  const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', SERVE, server, String(o.intervalMs)], {
    cwd: root, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.(line));
  const nextLine = () => new Promise<string>((r) => waiting.push(r));
  const port = Number((await nextLine()).split(' ')[1]);
  const pid = child.pid!;
  const live: WebSocket[] = [];
  let served = 0;
  let stop = false;
  const churn = (async () => {
    while (!stop) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/stats`, { perMessageDeflate: false });
      ws.on('error', () => {});
      ws.on('message', () => {});
      live.push(ws);
      served++;
      if (live.length > 20) live.shift()!.close();
      await fetch(`http://127.0.0.1:${port}/api/stats`).then((r) => r.arrayBuffer()).catch(() => {});
      await sleep(500);
    }
  })();
  const snapshots: SoakSnapshot[] = [];
  const t0 = performance.now();
  const snapshot = async () => {
    const answer = nextLine();
    child.stdin!.write('mem\n');
    const m = JSON.parse((await answer).slice(4)) as { heap: number; handles: number };
    const s: SoakSnapshot = {
      seconds: Math.round((performance.now() - t0) / 1000),
      connectionsServed: served,
      rssMiB: rssBytes(pid) / 2 ** 20,
      heapAfterGcMiB: m.heap / 2 ** 20,
      activeHandles: m.handles,
      fds: fdCount(pid),
      children: descendants(pid).length,
    };
    snapshots.push(s);
    console.log(`  ${s.seconds} s: ${s.connectionsServed} connections served, rss ${s.rssMiB.toFixed(1)} MiB, heap after GC ${s.heapAfterGcMiB.toFixed(2)} MiB, ` +
      `${s.activeHandles} handles, ${s.fds} fds, ${s.children} children`);
  };
  try {
    await sleep(Math.min(30, o.seconds / 4) * 1000);
    await snapshot();
    while ((performance.now() - t0) / 1000 < o.seconds) {
      await sleep(Math.min(o.snapshotEveryS * 1000, o.seconds * 1000 - (performance.now() - t0)));
      await snapshot();
    }
  } finally {
    stop = true;
    await churn;
    live.forEach((ws) => ws.terminate());
    child.stdin!.end();
    await new Promise((r) => setTimeout(r, 3000).unref() && child.once('exit', r));
    child.kill('SIGKILL');
  }
  const first = snapshots[0]!;
  const last = snapshots.at(-1)!;
  const mid = snapshots[Math.floor(snapshots.length / 2)]!;
  const slope = (a: SoakSnapshot, b: SoakSnapshot) =>
    b.connectionsServed > a.connectionsServed ? ((b.heapAfterGcMiB - a.heapAfterGcMiB) * 2 ** 20) / (b.connectionsServed - a.connectionsServed) : 0;
  return {
    seconds: o.seconds,
    intervalMs: o.intervalMs,
    snapshots,
    heapBytesPerConnectionFirstHalf: slope(first, mid),
    heapBytesPerConnectionSecondHalf: slope(mid, last),
  };
}
