// End to end, in process: createServer + fake collectors + the real ws client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMonitor, type MonitorOptions } from '../../lib/monitor.js';
import { createServer, type RunningServer } from '../../lib/server.js';
import { attachStatsSocket, type StatsSocketOptions } from '../../lib/ws/stats-socket.js';
import { silentLogger } from '../../lib/log.js';
import { TOPICS } from '../../lib/types.js';
import { countedCollectors as fakeCollectors, type Fakes } from '../helpers/fake-collectors.js';
import { connect, isStats, refusedUpgrade, stalledPeer, type TestClient } from '../helpers/ws-client.js';
import { sleep, until } from '../helpers/wait.js';

const INTERVAL = 200;

/** A real gc() even without --expose-gc, so heap figures are not noise. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const LINGER = 300;

interface Served {
  running: RunningServer;
  fakes: Fakes;
  ws: string;
  clients: TestClient[];
  open(path?: string, options?: Parameters<typeof connect>[1]): Promise<TestClient>;
  stop(): Promise<void>;
}

function monitorOptions(fakes: Fakes, extra: MonitorOptions = {}): MonitorOptions {
  return { collectors: fakes.collectors, intervalMs: INTERVAL, lingerMs: LINGER, primeMs: 10, firstSampleTimeoutMs: 1000, ...extra };
}

async function serve(webSocket: StatsSocketOptions = {}, fakes = fakeCollectors()): Promise<Served> {
  const running = await createServer(createMonitor(monitorOptions(fakes)), { port: 0, webSocket: { heartbeatMs: 1000, ...webSocket } });
  const ws = `ws://127.0.0.1:${running.port}/ws/stats`;
  const clients: TestClient[] = [];
  return {
    running, fakes, ws, clients,
    async open(path = '', options = {}) {
      const c = await connect(ws + path, options);
      clients.push(c);
      return c;
    },
    async stop() {
      await running.close();
      await Promise.all(clients.map((c) => c.closed));
    },
  };
}

/** The shape of a value: keys and leaf types, recursively (array items by their first element). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return value === null ? 'null' : typeof value;
}

test('a client that sends nothing gets the full stats object at once, then once per interval', async () => {
  const s = await serve();
  try {
    const c = await s.open();
    const [first, second, third] = await c.waitFor(isStats, 3, 10 * INTERVAL);
    const rest = await (await fetch(`${s.running.url}/api/stats`)).json();
    assert.equal(Object.keys(first!.json), ['cpu', 'memory', 'gpu', 'disk', 'diskIO', 'network', 'processes', 'uptime', 'timestamp']);
    assert.equal(shape(first!.json), shape(rest));
    assert.ok(!Number.isNaN(Date.parse(first!.json.timestamp)));
    // Generous bounds: behaviour, not performance.
    const gap = third!.at - second!.at;
    assert.ok(gap > INTERVAL * 0.4 && gap < INTERVAL * 3, `gap between ticks ${gap.toFixed(0)} ms`);
    assert.ok(c.messages.every(isStats), 'only stats objects, no acks or greetings');
    assert.is(s.running.monitor.health().cpu.activations, 1);
    const health = (await (await fetch(`${s.running.url}/api/health`)).json()) as { activeConnections: number };
    assert.is(health.activeConnections, 1);
  } finally {
    await s.stop();
  }
});

test('a second client gets the latest reading right away from the replay', async () => {
  const s = await serve();
  try {
    const a = await s.open();
    await a.waitFor(isStats, 2, 10 * INTERVAL);
    const t0 = performance.now();
    const b = await s.open();
    const [first] = await b.waitFor(isStats, 1, 10 * INTERVAL);
    assert.ok(first!.at - t0 < INTERVAL, `first message after ${(first!.at - t0).toFixed(0)} ms`);
    assert.is(s.running.monitor.health().cpu.activations, 1, 'both clients share one collector');
  } finally {
    await s.stop();
  }
});

test('query topics wake only those collectors and send only those parts', async () => {
  const s = await serve();
  try {
    const c = await s.open('?topics=gpu,cpu');
    const [m] = await c.waitFor(isStats, 1, 10 * INTERVAL);
    assert.equal(Object.keys(m!.json), ['cpu', 'gpu', 'uptime', 'timestamp']);
    const h = s.running.monitor.health();
    assert.is(h.cpu.activations, 1);
    assert.is(h.gpu.activations, 1);
    for (const t of ['memory', 'disk', 'network', 'processes'] as const) assert.is(h[t].activations, 0, `${t} stays asleep`);
  } finally {
    await s.stop();
  }
});

test('a subscribe message is acknowledged and switches the stream (old collectors may sleep)', async () => {
  const s = await serve();
  try {
    const c = await s.open('?topics=cpu');
    await c.waitFor(isStats, 1, 10 * INTERVAL);
    const from = c.messages.length;
    c.send(JSON.stringify({ subscribe: ['memory', 'network'] }));
    const [ack] = await c.waitFor((m) => 'subscribed' in (m.json ?? {}), 1, 2000, from);
    assert.equal(ack!.json, { subscribed: ['memory', 'network'], interval: INTERVAL });
    const after = c.messages.indexOf(ack!) + 1;
    const [m] = await c.waitFor(isStats, 1, 10 * INTERVAL, after);
    assert.equal(Object.keys(m!.json), ['memory', 'network', 'uptime', 'timestamp']);
    await until(() => s.fakes.running.cpu === 0, LINGER + 1000, 'cpu collector to stop after the switch');
    assert.is(s.running.monitor.health().memory.activations, 1);
    assert.is(s.running.monitor.health().gpu.activations, 0);
  } finally {
    await s.stop();
  }
});

test('interval: query and message pace the stream; requests are clamped', async () => {
  const s = await serve({ minIntervalMs: 500, maxIntervalMs: 2000 });
  try {
    const c = await s.open('?topics=cpu&interval=600');
    const ms = await c.waitFor(isStats, 4, 5000);
    const gaps = ms.slice(1).map((m, i) => m.at - ms[i]!.at);
    // The first comes from the replay; after it, about one every 600 ms (collectors tick every 200).
    for (const gap of gaps.slice(1)) assert.ok(gap > 450 && gap < 1500, `gaps ${gaps.map((g) => g.toFixed(0)).join(', ')}`);
    let from = c.messages.length;
    c.send('{"interval": 5}');
    const [ack] = await c.waitFor((m) => 'subscribed' in (m.json ?? {}), 1, 2000, from);
    assert.equal(ack!.json, { subscribed: ['cpu'], interval: 500 });
    from = c.messages.length;
    c.send('{"interval": 999999}');
    const [ack2] = await c.waitFor((m) => 'subscribed' in (m.json ?? {}), 1, 2000, from);
    assert.equal(ack2!.json, { subscribed: ['cpu'], interval: 2000 });
  } finally {
    await s.stop();
  }
});

test('collection stops after the last client leaves (plus linger) and resumes on reconnect', async () => {
  const s = await serve();
  try {
    const health = () => s.running.monitor.health();
    for (let cycle = 1; cycle <= 3; cycle++) {
      const a = await s.open();
      const b = await s.open();
      await a.waitFor(isStats, 2, 10 * INTERVAL);
      await b.waitFor(isStats, 1, 10 * INTERVAL);
      for (const t of TOPICS) assert.is(health()[t].activations, cycle, `${t} activations in cycle ${cycle}`);
      await a.close();
      await sleep(LINGER + 200);
      assert.is(s.fakes.running.cpu, 1, 'one client left: collection goes on');
      await b.close();
      await until(() => TOPICS.every((t) => s.fakes.running[t] === 0), LINGER + 1500, 'every collector to stop');
      assert.is(health().cpu.state, 'idle');
      assert.is(s.running.server.listening, true);
    }
    const totalStarts = TOPICS.map((t) => s.fakes.starts[t]);
    assert.equal(totalStarts, TOPICS.map(() => 3));
  } finally {
    await s.stop();
  }
});

test('bad messages get one {"error"} each and the connection stays usable', async () => {
  const s = await serve({ maxPayloadBytes: 4096 });
  try {
    const c = await s.open('?topics=cpu');
    await c.waitFor(isStats, 1, 10 * INTERVAL);
    const errors = () => c.messages.filter((m) => m.json && 'error' in m.json).map((m) => m.json.error as string);
    c.send('{not json');
    c.send(Buffer.from([1, 2, 3]), true);
    c.send('{"subscribe": ["cpu", "fans"]}');
    c.send(JSON.stringify({ subscribe: ['cpu'], pad: 'x'.repeat(5000) }));
    await until(() => errors().length === 4, 2000, 'four errors');
    const [json, binary, topic, big] = errors();
    assert.match(json!, /invalid JSON/);
    assert.match(binary!, /binary/);
    assert.match(topic!, /unknown topic "fans"/);
    assert.match(big!, /too long/);
    for (const m of c.messages.filter((m) => m.json && 'error' in m.json)) assert.equal(Object.keys(m.json), ['error']);
    const from = c.messages.length;
    c.send('{"subscribe": ["memory"]}');
    await c.waitFor((m) => 'subscribed' in (m.json ?? {}), 1, 2000, from);
    const [m] = await c.waitFor(isStats, 2, 10 * INTERVAL, from);
    assert.ok('memory' in m!.json || 'cpu' in m!.json);
    const [later] = (await c.waitFor(isStats, 2, 10 * INTERVAL, from)).slice(1);
    assert.equal(Object.keys(later!.json), ['memory', 'uptime', 'timestamp']);
    assert.is(c.isClosed(), false);
  } finally {
    await s.stop();
  }
});

test('a client that keeps sending garbage is closed with 1008', async () => {
  const s = await serve({ maxBadMessages: 3 });
  try {
    const c = await s.open('?topics=cpu');
    for (let i = 0; i < 10; i++) c.send(`garbage ${i}`);
    const closed = await c.closed;
    assert.is(closed.code, 1008);
    assert.match(closed.reason, /invalid messages/);
    const errors = c.messages.filter((m) => m.json && 'error' in m.json);
    assert.is(errors.length, 4, 'three answered, then one saying why the connection closes');
    assert.match(errors[3]!.json.error, /^too many invalid messages \(more than 3 within 60 s\)/);
    await until(() => s.running.server.listening && s.fakes.running.cpu === 0, LINGER + 1500, 'collection to stop');
  } finally {
    await s.stop();
  }
});

test('an invalid query string gets one error and 1008; wrong paths get 404, refusals a JSON body', async () => {
  const s = await serve({ maxClients: 2 });
  try {
    const c = await s.open('?topics=fans');
    const closed = await c.closed;
    assert.is(closed.code, 1008);
    assert.match(c.messages[0]!.json.error, /unknown topic "fans"/);
    assert.is(c.messages.length, 1);

    const wrong = await refusedUpgrade(s.running.port, '/ws/other');
    assert.is(wrong.status, 404);
    assert.match(JSON.parse(wrong.body).error, /\/ws\/stats/);

    await s.open();
    await s.open();
    const full = await refusedUpgrade(s.running.port, '/ws/stats');
    assert.is(full.status, 503);
    assert.match(JSON.parse(full.body).error, /too many/);
  } finally {
    await s.stop();
  }
});

test('authorize() refusals answer with their HTTP status before the handshake', async () => {
  const monitor = createMonitor(monitorOptions(fakeCollectors()));
  const server = createHttpServer();
  const sockets = attachStatsSocket({
    server, monitor, logger: silentLogger,
    authorize: (req) => (req.headers.origin === 'http://evil.example' ? { ok: false, status: 403, error: 'origin not allowed' } : { ok: true }),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const refused = await connect(`ws://127.0.0.1:${port}/ws/stats`, { origin: 'http://evil.example' }).then(() => 'accepted', (e: Error) => e.message);
    assert.match(refused, /HTTP 403/);
    assert.is(monitor.health().cpu.activations, 0, 'a refused client wakes nothing');
    const ok = await connect(`ws://127.0.0.1:${port}/ws/stats`);
    await ok.waitFor(isStats, 1, 10 * INTERVAL);
    await sockets.close();
    assert.is((await ok.closed).code, 1001);
  } finally {
    await sockets.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('heartbeat: a client that does not answer pings is terminated, and collection stops', async () => {
  const s = await serve({ heartbeatMs: 200 });
  try {
    const deaf = await s.open('?topics=cpu', { autoPong: false });
    const polite = await s.open('?topics=memory');
    const t0 = performance.now();
    const closed = await deaf.closed;
    const after = performance.now() - t0;
    assert.is(closed.code, 1006, 'terminated, no closing handshake');
    assert.ok(after < 2000, `terminated after ${after.toFixed(0)} ms`);
    await until(() => s.fakes.running.cpu === 0, LINGER + 1500, 'cpu collection to stop');
    await sleep(600);
    assert.is(polite.isClosed(), false, 'a client answering pings stays');
    assert.is(s.running.monitor.health().memory.state !== 'idle', true);
  } finally {
    await s.stop();
  }
});

test('backpressure: a client that never reads gets frames skipped, not queued, and is cut off when stalled', async () => {
  // ~1 MB frames every 200 ms; 64 KiB allowed in flight per client.
  const fakes = fakeCollectors({ diskEntries: 2900 });
  const monitor = createMonitor(monitorOptions(fakes));
  const server = createHttpServer();
  const sockets = attachStatsSocket({
    server, monitor, logger: silentLogger, authorize: () => ({ ok: true }),
    heartbeatMs: 60_000, maxBufferedBytes: 64 * 1024, stallTimeoutMs: 2500,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const stalled = await stalledPeer(port, '/ws/stats?topics=disk');
    const reader = await connect(`ws://127.0.0.1:${port}/ws/stats?topics=disk`);
    const [first] = await reader.waitFor(isStats, 1, 5000);
    const frameBytes = Buffer.byteLength(first!.text);
    assert.ok(frameBytes > 500_000, `frames are big (${frameBytes} bytes)`);
    // Kernel buffers fill within a few frames; then the service must start skipping.
    await until(() => sockets.stats().framesSkipped > 0, 5000, 'frames to be skipped for the stalled peer');
    const peaks: number[] = [];
    const t0 = performance.now();
    while (sockets.clientCount() === 2 && performance.now() - t0 < 5000) {
      peaks.push(sockets.stats().maxBufferedAmount);
      await sleep(20);
    }
    const peak = Math.max(...peaks);
    // At most one frame goes out past the limit; then frames are skipped.
    assert.ok(peak <= 64 * 1024 + frameBytes + 1024, `unsent bytes peaked at ${peak}`);
    assert.is(sockets.clientCount(), 1, 'the stalled peer was terminated after the stall timeout');
    stalled.socket.resume();
    await stalled.closed;
    const readerGot = reader.stats().length;
    assert.ok(readerGot >= 5, `the reading client kept receiving (${readerGot} frames)`);
    assert.is(reader.isClosed(), false);
    await reader.close();
  } finally {
    await sockets.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('memory stays flat with 200 clients of which 20 never read', async () => {
  // Readers get small frames; each stalled peer gets ~500 kB frames of its own (distinct intervals,
  // so nothing is shared), which would pile up at ~1 MB/s per peer without backpressure.
  const fakes = fakeCollectors({ diskEntries: 1450 });
  // No history: it would rightly keep its (bounded) readings of these huge payloads, which is not what this measures.
  const monitor = createMonitor(monitorOptions(fakes, { historyMs: 0 }));
  const server = createHttpServer();
  const sockets = attachStatsSocket({
    server, monitor, logger: silentLogger, authorize: () => ({ ok: true }),
    heartbeatMs: 60_000, stallTimeoutMs: 60_000, maxBufferedBytes: 256 * 1024, maxClients: 300, minIntervalMs: 100,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const readers: TestClient[] = [];
  const peers: Awaited<ReturnType<typeof stalledPeer>>[] = [];
  try {
    for (let i = 0; i < 20; i++) peers.push(await stalledPeer(port, `/ws/stats?topics=disk&interval=${300 + i}`));
    for (let i = 0; i < 180; i++) readers.push(await connect(`ws://127.0.0.1:${port}/ws/stats?topics=cpu,memory`));
    assert.is(sockets.clientCount(), 200);
    await until(() => sockets.stats().framesSkipped > 20, 10_000, 'the stalled peers to fall behind');
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external + m.arrayBuffers;
    };
    // Freed ArrayBuffers are released by a background sweeper: collect, give it a moment, collect
    // again, so that memory freed but not yet swept (slow on a loaded machine) is not counted.
    const settle = async () => {
      gc();
      await sleep(200);
      gc();
    };
    await settle();
    const before = used();
    const skippedBefore = sockets.stats().framesSkipped;
    await sleep(3000);
    await settle();
    const after = used();
    const stats = sockets.stats();
    const growth = after - before;
    // Without backpressure: 20 peers × ~2 frames/s × ~500 kB × 3 s ≈ 60 MB queued.
    assert.ok(growth < 25 * 1024 * 1024, `memory grew by ${(growth / 1048576).toFixed(1)} MiB`);
    assert.ok(stats.framesSkipped > skippedBefore, 'frames are skipped, not queued');
    assert.ok(stats.maxBufferedAmount < 256 * 1024 + 600_000, `unsent bytes per client peak ${stats.maxBufferedAmount}`);
    assert.ok(readers.every((r) => r.stats().length >= 3), 'every reader kept receiving');
  } finally {
    for (const p of peers) p.socket.destroy();
    await sockets.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('close(): every client gets 1001, peers that never read are terminated within the grace', async () => {
  const s = await serve();
  const a = await s.open();
  const b = await s.open('?topics=cpu');
  await a.waitFor(isStats, 1, 10 * INTERVAL);
  const peer = await stalledPeer(s.running.port);
  const t0 = performance.now();
  await s.running.close();
  const took = performance.now() - t0;
  const [ca, cb] = await Promise.all([a.closed, b.closed]);
  assert.is(ca.code, 1001);
  assert.is(cb.code, 1001);
  assert.match(ca.reason, /shutting down/);
  peer.socket.resume();
  await peer.closed;
  assert.ok(took < 1500, `close took ${took.toFixed(0)} ms`);
  assert.is(s.running.server.listening, false);
  await until(() => TOPICS.every((t) => s.fakes.running[t] === 0), LINGER + 1500, 'collection to stop');
});

test.run();
