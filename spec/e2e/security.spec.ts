import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import WebSocket from 'ws';
import { fakeGpuPath, fixture, isAlive } from '../helpers/fake-gpu-path.js';
import { getJson, runCli, startService, type RunningService } from '../helpers/service.js';

const TOKEN = 'correct-horse-battery-staple-42';

/** Opens a WebSocket and resolves with 'open' or the HTTP status of the refusal. */
function tryWs(url: string, headers: Record<string, string> = {}): Promise<{ opened: boolean; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ opened: false, status: res.statusCode, body }));
    });
    ws.once('error', () => resolve({ opened: false }));
  });
}

/** A raw GET with any Host header (fetch will not send a forged one). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const alive = isAlive;

/** A CORS preflight asking for private network access, as Chrome sends it from a public page. */
function preflight(base: string, origin: string): Promise<{ status: number; headers: Headers }> {
  return fetch(`${base}/api/stats`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Private-Network': 'true' },
  }).then(async (r) => {
    await r.arrayBuffer();
    return { status: r.status, headers: r.headers };
  });
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

let service: RunningService;
test.before(async () => {
  service = await startService(['--interval', '500ms', '--linger', '300ms', '--allow-origin', 'https://dash.example.com']);
});
test.after(async () => {
  await service?.stop();
});

test('a foreign Origin is refused on REST with a JSON reason and no CORS grant', async () => {
  const r = await getJson(`${service.url}/api/stats/cpu`, { headers: { Origin: 'https://evil.example' } });
  assert.is(r.status, 403);
  assert.match(r.body.error, /origin https:\/\/evil\.example is not allowed/);
  assert.is(r.headers.get('access-control-allow-origin'), null);
});

test('a foreign Origin is refused on the WebSocket upgrade (cross-site WebSocket hijacking)', async () => {
  const wsUrl = service.url.replace('http', 'ws') + '/ws/stats';
  const r = await tryWs(wsUrl, { Origin: 'https://evil.example' });
  assert.is(r.opened, false);
  assert.is(r.status, 403);
  assert.match(r.body ?? '', /not allowed/);
});

test('a DNS-rebinding Host is refused; loopback hosts are accepted', async () => {
  const evil = await getWithHost(`${service.url}/api/stats/memory`, `evil.example:${service.port}`);
  assert.is(evil.status, 403);
  assert.match(evil.body, /host/i);
  for (const host of [`localhost:${service.port}`, `127.0.0.1:${service.port}`, `[::1]:${service.port}`]) {
    assert.is((await getWithHost(`${service.url}/api/health`, host)).status, 200, host);
  }
});

test('loopback, Electron (file://) and --allow-origin origins work on REST and WebSocket', async () => {
  const wsUrl = service.url.replace('http', 'ws') + '/ws/stats';
  for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'file://', 'https://dash.example.com']) {
    const r = await getJson(`${service.url}/api/stats/memory`, { headers: { Origin: origin } });
    assert.is(r.status, 200, origin);
    assert.is(r.headers.get('access-control-allow-origin'), origin, 'the origin is reflected, never *');
    assert.is((await tryWs(wsUrl, { Origin: origin })).opened, true, `ws ${origin}`);
  }
  const plain = await getJson(`${service.url}/api/stats/memory`);
  assert.is(plain.status, 200, 'non-browser clients (no Origin) keep working');
});

test('Origin null (any site, from a sandboxed iframe) is refused by default on REST, preflight and WebSocket', async () => {
  const wsUrl = service.url.replace('http', 'ws') + '/ws/stats';
  const r = await getJson(`${service.url}/api/stats/cpu`, { headers: { Origin: 'null' } });
  assert.is(r.status, 403);
  assert.match(r.body.error, /origin null .* --allow-null-origin/);
  assert.is(r.headers.get('access-control-allow-origin'), null);
  const ws = await tryWs(wsUrl, { Origin: 'null' });
  assert.is(ws.opened, false);
  assert.is(ws.status, 403);
  const pre = await preflight(service.url, 'null');
  assert.is(pre.status, 403);
  assert.is(pre.headers.get('access-control-allow-private-network'), null, 'no private-network grant for null');
});

test('--allow-null-origin lets null in, but never with a private-network grant', async () => {
  const s = await startService(['--allow-null-origin', '--linger', '200ms']);
  try {
    const r = await getJson(`${s.url}/api/stats/memory`, { headers: { Origin: 'null' } });
    assert.is(r.status, 200);
    assert.is(r.headers.get('access-control-allow-origin'), 'null');
    assert.is((await tryWs(s.url.replace('http', 'ws') + '/ws/stats', { Origin: 'null' })).opened, true);
    const pre = await preflight(s.url, 'null');
    assert.is(pre.status, 204);
    assert.is(pre.headers.get('access-control-allow-origin'), 'null');
    assert.is(pre.headers.get('access-control-allow-private-network'), null);
  } finally {
    await s.stop();
  }
});

test('Private Network Access is granted only to allowed origins: a refused origin gets no PNA header', async () => {
  const ok = await preflight(service.url, 'http://localhost:5173');
  assert.is(ok.status, 204);
  assert.is(ok.headers.get('access-control-allow-private-network'), 'true', 'a loopback page asking for PNA gets it');
  const evil = await preflight(service.url, 'https://evil.example');
  assert.is(evil.status, 403);
  assert.is(evil.headers.get('access-control-allow-private-network'), null);
  assert.is(evil.headers.get('access-control-allow-origin'), null);
});

test('the token gates REST and WebSocket when set (Bearer header, or ?token= on the WebSocket)', async () => {
  const s = await startService(['--linger', '200ms'], { WIDGETS_TOKEN: TOKEN });
  try {
    const wsUrl = s.url.replace('http', 'ws') + '/ws/stats';
    const none = await getJson(`${s.url}/api/stats/cpu`);
    assert.is(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
    assert.is((await getJson(`${s.url}/api/stats/cpu`, { headers: { Authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
    assert.is((await getJson(`${s.url}/api/stats/cpu`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);
    assert.is((await getJson(`${s.url}/api/stats/cpu?token=${TOKEN}`)).status, 401, 'REST ignores ?token=');
    assert.is((await tryWs(wsUrl)).status, 401);
    assert.is((await tryWs(`${wsUrl}?token=nope-nope-nope-nope`)).status, 401);
    assert.is((await tryWs(`${wsUrl}?token=${TOKEN}`)).opened, true);
    assert.is((await tryWs(wsUrl, { Authorization: `Bearer ${TOKEN}` })).opened, true);
  } finally {
    await s.stop();
  }
});

test('too many requests from one address get 429 with Retry-After, and the service recovers', async () => {
  const s = await startService(['--rate-limit', '2', '--rate-burst', '3']);
  try {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const r = await getJson(`${s.url}/api/health`);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    assert.ok(statuses.slice(0, 3).every((x) => x === 200), 'the burst is served');
    assert.ok(statuses.includes(429), `429 after the burst: ${statuses}`);
    assert.match(retryAfter ?? '', /^\d+$/);
    await new Promise((r) => setTimeout(r, 1100));
    assert.is((await getJson(`${s.url}/api/health`)).status, 200, 'served again after waiting');
  } finally {
    await s.stop();
  }
});

test('listening on a non-loopback address without a token is refused with one line', async () => {
  const r = await runCli(['--host', '0.0.0.0', '--port', '0'], { WIDGETS_TOKEN: '' });
  assert.is(r.code, 1);
  assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0 without a token/);
  assert.is(r.stderr.trim().split('\n').length, 1);
  const short = await runCli(['--token', 'short', '--port', '0']);
  assert.is.not(short.code, 0);
  assert.match(short.stderr, /16/);
});

test('--idle-exit ends the process cleanly when no client comes', async () => {
  const s = await startService(['--idle-exit', '1']);
  const t0 = Date.now();
  const code = await Promise.race([s.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 6000))]);
  assert.is(code, 0);
  assert.ok(Date.now() - t0 >= 900, 'not before the idle time');
  assert.match(s.stderr(), /--idle-exit/);
});

test('--idle-exit does not fire while a WebSocket client is connected', async () => {
  const s = await startService(['--idle-exit', '1']);
  const ws = new WebSocket(s.url.replace('http', 'ws') + '/ws/stats');
  await new Promise((r) => ws.once('open', r));
  await new Promise((r) => setTimeout(r, 2000));
  assert.is(s.child.exitCode, null, 'still running with a client');
  ws.close();
  const code = await Promise.race([s.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 6000))]);
  assert.is(code, 0, 'exits once the client is gone for the idle time');
});

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`no nvidia-smi child survives ${signal} of the service`, async () => {
    const gpu = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-h100-590.48.01-load.csv') });
    const s = await startService(['--interval', '500ms'], gpu.env);
    try {
      const ws = new WebSocket(s.url.replace('http', 'ws') + '/ws/stats?topics=gpu');
      await new Promise((r) => ws.once('message', r));
      assert.ok(await waitFor(() => gpu.pids().some((p) => alive(p.pid)), 5000), 'the fake nvidia-smi runs while a client listens');
      const pids = gpu.pids().map((p) => p.pid);
      await s.stop(signal);
      assert.ok(await waitFor(() => !pids.some(alive), 5000), `no nvidia-smi left after ${signal}: ${pids.filter(alive)}`);
      ws.terminate();
    } finally {
      if (s.child.exitCode === null) s.child.kill('SIGKILL');
      for (const { pid } of gpu.pids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
      gpu.cleanup();
    }
  });
}

test('the service exits by itself when the process that started it dies (ClaraVerse killed)', async () => {
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('../helpers/service.js');
  // A stand-in for ClaraVerse: starts the service, reports its pid, then waits to be killed.
  const parent = spawn(process.execPath, ['-e', `
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, [${JSON.stringify(CLI)}, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => { if (String(d).includes('listening on')) process.stdout.write(child.pid + ' '); });
    setInterval(() => {}, 1000);
  `], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the stand-in parent did not report the service pid')), 10_000);
    parent.stdout!.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(Number(String(d).trim()));
    });
  });
  let stat = '';
  try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch (e) { stat = String(e); }
  assert.ok(alive(pid), `the service runs: ${pid} ${stat.slice(0, 60)}`);
  parent.kill('SIGKILL');
  assert.ok(await waitFor(() => !alive(pid), 5000), 'and is gone soon after its parent died');
});

test('the nvidia-smi loop child is started once per stream and gone after the last client leaves and the linger', async () => {
  const gpu = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-h100-590.48.01-load.csv') });
  const s = await startService(['--interval', '300ms', '--linger', '500ms'], gpu.env);
  try {
    const url = s.url.replace('http', 'ws') + '/ws/stats';
    const a = new WebSocket(url);
    const b = new WebSocket(`${url}?topics=gpu`);
    await Promise.all([a, b].map((ws) => new Promise((r) => ws.once('message', r))));
    await new Promise((r) => setTimeout(r, 1500));
    const loops = () => gpu.pids().filter((p) => p.args.some((x) => x.startsWith('--loop-ms')));
    assert.is(loops().length, 1, 'one loop child for both clients');
    const pid = loops()[0]!.pid;
    assert.ok(alive(pid));
    a.close();
    b.close();
    assert.ok(await waitFor(() => !alive(pid), 3000), 'the child is gone after the linger');
    const health = await getJson(`${s.url}/api/health`);
    assert.is(health.body.collectors.gpu.state, 'idle');
  } finally {
    await s.stop();
    gpu.cleanup();
  }
});

test.run();
