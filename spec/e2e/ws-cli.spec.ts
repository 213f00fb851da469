// The built CLI, as ClaraVerse runs it: clients connect to /ws/stats, never send anything, and the
// app stops the service with SIGTERM. Needs `npm run build` (dist/widgets-service.mjs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket } from 'ws';
import { startService } from '../helpers/service.js';

interface Listener {
  ws: WebSocket;
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
}

function listen(url: string): Promise<Listener> {
  const ws = new WebSocket(url);
  const messages: any[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('error', reject);
  });
}

async function until(cond: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the CLI streams the full stats object to a silent client, like GET /api/stats', async () => {
  const service = await startService(['--interval', '500']);
  try {
    const url = `ws://127.0.0.1:${service.port}/ws/stats`;
    const client = await listen(url);
    await until(() => client.messages.length >= 2, 10_000, 'two stats messages');
    const rest = (await (await fetch(`${service.url}/api/stats`)).json()) as Record<string, object>;
    assert.equal(Object.keys(client.messages[0]), Object.keys(rest));
    for (const key of ['cpu', 'memory', 'network']) assert.equal(Object.keys(client.messages[0][key]).sort(), Object.keys(rest[key] ?? {}).sort());
    assert.ok(Array.isArray(client.messages[0].gpu));
    client.ws.close();
    await client.closed;
  } finally {
    await service.stop('SIGKILL');
  }
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: every client gets close code 1001 and the process exits within 2 s`, async () => {
    const service = await startService();
    let exitedAt = 0;
    service.exited.then(() => (exitedAt = Date.now()));
    const url = `ws://127.0.0.1:${service.port}/ws/stats`;
    const clients = await Promise.all([listen(url), listen(url), listen(`${url}?topics=cpu`)]);
    await until(() => clients.every((c) => c.messages.length >= 1), 10_000, 'a first message on every client');
    const t0 = Date.now();
    service.child.kill(signal);
    const closes = await Promise.all(clients.map((c) => c.closed));
    for (const c of closes) {
      assert.is(c.code, 1001);
      assert.match(c.reason, /shutting down/);
    }
    const code = await service.exited;
    const took = exitedAt - t0;
    assert.is(code, 0);
    assert.ok(took < 2000, `exited ${took} ms after ${signal}`);
  });
}

test.run();
