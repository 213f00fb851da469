// REST under load: wrk on loopback against /api/stats, flat out and paced near 5,000 req/s, and
// /api/health (which reads no stream) flat out as the baseline of the same run, each without and
// with a WebSocket client streaming at the same time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, startService, which } from './systems.js';

export interface RestCase {
  name: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

// wrk's delay() pauses each connection after an answer; with its millisecond timers one cycle took
// about 3.5 ms here, so 18 connections make about 5,000 req/s (the achieved rate is reported).
const PACED = { connections: 18, delayMs: 2 };

export async function runRest(o: { seconds: number; intervalMs: number }): Promise<RestCase[]> {
  if (!which('wrk')) {
    console.log('REST under load: wrk is not installed, left out');
    return [];
  }
  console.log(`REST under load: wrk, /api/stats on 127.0.0.1, ${o.seconds} s per case`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  const paced = join(dir, 'paced.lua');
  writeFileSync(paced, `function delay() return ${PACED.delayMs} end\n`);
  const cases: RestCase[] = [];
  try {
    for (const clients of [0, 1]) {
      // The per-address rate limit (20/s by default) would answer 429 to a load generator on 127.0.0.1.
      const service = await startService({ intervalMs: o.intervalMs, clients, args: ['--rate-limit', '1000000', '--rate-burst', '1000000'] });
      try {
        const url = `http://127.0.0.1:${service.port}/api/stats`;
        const health = `http://127.0.0.1:${service.port}/api/health`;
        await fetch(url).then((r) => r.arrayBuffer()); // wake collection, as a dashboard would have
        await sleep(o.intervalMs * 2);
        const ws = clients ? ', with a WebSocket client' : ', no WebSocket client';
        cases.push(wrk(`flat out (1 thread, 8 connections)${ws}`, ['-t1', '-c8', `-d${o.seconds}s`, '--latency', url]));
        cases.push(wrk(`paced ~5,000 req/s (${PACED.connections} connections, ${PACED.delayMs} ms apart)${ws}`,
          ['-t1', `-c${PACED.connections}`, `-d${o.seconds}s`, '--latency', '-s', paced, url]));
        // Last: it reads no stream, so without a client collection goes idle during it (linger), and
        // a /api/stats case after it would measure a cold start.
        cases.push(wrk(`/api/health flat out (baseline: no stream read)${ws}`, ['-t1', '-c8', `-d${o.seconds}s`, '--latency', health]));
      } finally {
        await service.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const c of cases) console.log(`  ${c.name}: ${Math.round(c.requestsPerSec)} req/s, p50 ${c.p50Ms.toFixed(2)} ms, p99 ${c.p99Ms.toFixed(2)} ms, non-2xx ${c.non2xx}, errors ${c.errors}`);
  return cases;
}

function wrk(name: string, args: string[]): RestCase {
  const r = spawnSync('wrk', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  return { name, ...parseWrk(r.stdout) };
}

/** Requests/sec, the 50 % and 99 % latencies (ms), non-2xx answers and socket errors from wrk's --latency output. */
export function parseWrk(text: string): Omit<RestCase, 'name'> {
  const ms = (v: string | undefined) => {
    const m = /^([\d.]+)(us|ms|s)$/.exec(v ?? '');
    if (!m) return Number.NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requestsPerSec: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? Number.NaN),
    p50Ms: ms(/^\s+50%\s+(\S+)/m.exec(text)?.[1]),
    p99Ms: ms(/^\s+99%\s+(\S+)/m.exec(text)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0),
    errors: errors ? errors.slice(1).reduce((s, n) => s + Number(n), 0) : 0,
  };
}
