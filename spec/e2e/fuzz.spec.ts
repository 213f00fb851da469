import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { getJson, startService, type RunningService } from '../helpers/service.js';

// A bounded fuzz run against the real service: a fixed count of malformed requests and frames,
// each with a deadline, then the service must still answer /api/health and its memory must be
// back near where it started. Seeded, so a failure reproduces.

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const COUNTS = { paths: 300, methods: 60, hugeHeaders: 20, truncated: 40, garbage: 80, slowloris: 30, wsText: 150, wsRaw: 60 };

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
const PRINTABLE = 'abcdefghijklmnopqrstuvwxyz0123456789-._~%/?&=+;:@!$\'()*,[]{}|\\^`"<> #';
const text = (n: number) => Array.from({ length: n }, () => PRINTABLE[int(PRINTABLE.length)]).join('');

let service: RunningService;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Writes raw bytes and waits (bounded) for the server to answer or close. */
function raw(payload: Buffer | string, opts: { keepOpenMs?: number; endAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(service.port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, opts.keepOpenMs ?? 1500);
    socket.on('data', (c) => {
      got += c.toString('latin1');
      if (opts.keepOpenMs === undefined && /\r\n\r\n/.test(got)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(payload, () => {
      if (opts.endAfterWrite) socket.end();
    });
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);

test.before(async () => {
  service = await startService(['--interval', '500ms', '--linger', '500ms', '--rate-limit', '100000', '--rate-burst', '100000']);
});
test.after(async () => {
  await service?.stop();
});

const figures: Record<string, unknown> = {};

test('bounded fuzz: malformed HTTP and WebSocket traffic never breaks the service', async () => {
  const wsUrl = service.url.replace('http', 'ws') + '/ws/stats';
  await getJson(`${service.url}/api/stats`); // warm every collector, so the baseline includes them
  await new Promise((r) => setTimeout(r, 1500));
  const rssBefore = rssOf(service.child.pid!);
  const started = Date.now();
  const statuses = new Map<number, number>();
  const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);

  // Random paths and query strings: any answer but a 5xx or a dropped connection.
  for (let i = 0; i < COUNTS.paths; i++) {
    const path = '/' + pick(['', 'api/', 'api/stats/', 'ws/', '%', '..%2f', 'api/stats?']) + text(int(120));
    const r = await fetch(`${service.url}${encodeURI(path).replace(/#/g, '%23')}`).catch(() => null);
    if (r) {
      count(r.status);
      await r.arrayBuffer();
      assert.ok(r.status < 500 || r.status === 503, `path ${path} gave ${r.status}`);
    }
  }
  // Bad methods.
  for (let i = 0; i < COUNTS.methods; i++) {
    const method = pick(['DELETE', 'PUT', 'PATCH', 'TRACE', 'FOO', 'PROPFIND', 'POST', 'CONNECT', 'G3T']);
    const s = statusOf(await raw(`${method} /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n`));
    count(s);
    assert.ok([400, 404, 405].includes(s), `${method} gave ${s}`);
  }
  // Huge headers: 431 (or the connection closed), never a crash.
  for (let i = 0; i < COUNTS.hugeHeaders; i++) {
    const s = statusOf(await raw(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000 + int(50_000))}\r\n\r\n`));
    count(s);
    assert.ok(s === 431 || s === 0, `huge header gave ${s}`);
  }
  // Truncated bodies: a promised body that never comes.
  for (let i = 0; i < COUNTS.truncated; i++) {
    count(statusOf(await raw(`POST /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${1000 + int(10_000)}\r\n\r\n${text(int(50))}`, { keepOpenMs: 200 })));
  }
  // Garbage instead of HTTP.
  for (let i = 0; i < COUNTS.garbage; i++) {
    const s = statusOf(await raw(i % 2 ? bytes(1 + int(2000)) : text(1 + int(500)) + '\r\n\r\n', { endAfterWrite: i % 3 === 0 }));
    count(s);
    assert.ok(s === 400 || s === 0 || s === 431 || s === 414, `garbage gave ${s}`);
  }
  // Slowloris: many half-sent requests held open while a real client is served.
  const slow = Array.from({ length: COUNTS.slowloris }, () => {
    const socket = connect(service.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    return socket;
  });
  await new Promise((r) => setTimeout(r, 300));
  for (const s of slow) s.write('a');
  const during = await getJson(`${service.url}/api/health`);
  assert.is(during.status, 200, 'served while slowloris sockets hang');
  for (const s of slow) s.destroy();

  // WebSocket: bad JSON, wrong shapes, binary and oversized frames on a real client.
  let wsErrors = 0;
  let wsClosed = 0;
  for (let i = 0; i < COUNTS.wsText; i += 10) {
    const ws = new WebSocket(wsUrl);
    ws.on('message', (m) => {
      if (String(m).startsWith('{"error"')) wsErrors++;
    });
    ws.on('close', () => wsClosed++);
    ws.on('error', () => {});
    await new Promise((r) => ws.once('open', r));
    for (let j = 0; j < 10; j++) {
      const kind = int(5);
      if (kind === 0) ws.send(text(1 + int(200)));
      else if (kind === 1) ws.send(JSON.stringify({ subscribe: [text(5), 42, null], interval: pick([-1, 'x', 1e12, null]) }));
      else if (kind === 2) ws.send(bytes(1 + int(100)));
      else if (kind === 3) ws.send('x'.repeat(5000 + int(20_000)));
      else ws.send(JSON.stringify(pick([[], 1, 'a', { subscribe: 'cpu' }, { foo: 1 }])));
    }
    await new Promise((r) => setTimeout(r, 100));
    ws.terminate();
  }
  // Raw malformed frames after a real handshake: unmasked, reserved opcodes, lying lengths.
  for (let i = 0; i < COUNTS.wsRaw; i++) {
    const key = Buffer.from(bytes(16)).toString('base64');
    const frame = pick([
      Buffer.concat([Buffer.from([0x81, 0x05]), Buffer.from('hello')]), // unmasked client frame
      Buffer.concat([Buffer.from([0x80 | (3 + int(5)), 0x80]), bytes(4)]), // reserved opcode
      Buffer.concat([Buffer.from([0x81, 0xff]), bytes(8), bytes(4)]), // 64-bit length, absurd
      Buffer.concat([Buffer.from([0xf1, 0x81]), bytes(5)]), // RSV bits set
      bytes(1 + int(64)),
    ]);
    const handshake = `GET /ws/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    await raw(Buffer.concat([Buffer.from(handshake), frame]), { keepOpenMs: 100 });
  }
  const elapsed = Date.now() - started;

  const health = await getJson(`${service.url}/api/health`);
  assert.is(health.status, 200);
  assert.is(health.body.status, 'healthy');
  assert.is(health.body.service, 'widgets-service');
  const stats = await getJson(`${service.url}/api/stats`);
  assert.is(stats.status, 200);
  assert.ok(stats.body.cpu.cores >= 1, 'stats still flow');
  await new Promise((r) => setTimeout(r, 2000));
  const rssAfter = rssOf(service.child.pid!);
  Object.assign(figures, {
    seed: SEED, requests: COUNTS, elapsedMs: elapsed, statuses: Object.fromEntries(statuses), wsErrorReplies: wsErrors,
    wsClosedByServer: wsClosed, rssBeforeMiB: +(rssBefore / 2 ** 20).toFixed(1), rssAfterMiB: +(rssAfter / 2 ** 20).toFixed(1),
  });
  if (process.env.FUZZ_REPORT) console.log(JSON.stringify(figures));
  assert.ok(wsErrors > 0, 'bad WebSocket messages were answered with {"error"}');
  assert.ok(rssAfter - rssBefore < 40 * 2 ** 20, `memory back near the start: ${figures.rssBeforeMiB} -> ${figures.rssAfterMiB} MiB`);
  assert.is(service.child.exitCode, null, 'still running');
});

test.run();
