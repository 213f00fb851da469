// The stream core as users meet it: a silent WebSocket client gets exactly one message per
// interval on an NVIDIA machine (the nvidia-smi loop child runs on its own clock), REST reads on a
// warm service are answered from the replay, and close() inside a subscriber lets the process go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { WebSocket } from 'ws';
import { ROOT, getJson, startService } from '../helpers/service.js';
import { fakeGpuPath, fixture } from '../helpers/fake-gpu-path.js';

const RTX4080 = {
  FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv'),
  FAKE_NVIDIA_SMI_APPS: fixture('nvidia-smi/compute-apps-rtx4080super-linux-595.71.05-load.csv'),
};

test('a silent client gets one message per interval with the nvidia-smi loop child running', async () => {
  const fake = fakeGpuPath(RTX4080, ['nvidia-smi'], true);
  const service = await startService(['--interval', '500ms'], fake.env);
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${service.port}/ws/stats`);
    const arrivals: { at: number; gpus: number; timestamp: string }[] = [];
    ws.on('message', (data) => {
      const stats = JSON.parse(data.toString());
      arrivals.push({ at: Date.now(), gpus: stats.gpu.length, timestamp: stats.timestamp });
    });
    // Wait for the GPU to show up (the loop child's first reading), then count 10 intervals.
    const deadline = Date.now() + 10_000;
    while (!arrivals.some((a) => a.gpus === 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const from = arrivals.length;
    await new Promise((r) => setTimeout(r, 10 * 500));
    const counted = arrivals.slice(from);
    ws.close();
    assert.ok(counted.every((a) => a.gpus === 1), 'the GPU is in every message');
    // Before: 58 in 10 s at 500 ms, a second copy 50-100 ms after each tick. Now 10 (one more or
    // less only from where the 5 s window falls), and never two within a quarter interval.
    assert.ok(counted.length >= 9 && counted.length <= 11, `${counted.length} messages in 10 intervals`);
    const gaps = counted.slice(1).map((a, i) => a.at - counted[i]!.at);
    assert.ok(gaps.every((g) => g > 125), `no doubled tick: gaps ${gaps.join(', ')} ms`);
    assert.is(new Set(counted.map((a) => a.timestamp)).size, counted.length, 'each message is a new tick');
  } finally {
    await service.stop();
    fake.cleanup();
  }
});

test('REST on a warm service without WebSocket clients is answered from the replay, not after a tick', async () => {
  const service = await startService(['--interval', '2s', '--linger', '30s']);
  try {
    const first = await getJson(`${service.url}/api/stats`);
    assert.is(first.status, 200, 'an idle service still answers, with real numbers');
    assert.is(typeof first.body.cpu.usage, 'number');
    // 20 reads one after the other: with a wait for the next tick (or a 50 ms coalescing window)
    // per read, 20 reads would take a second or more; from the replay they take a few ms each.
    const started = Date.now();
    for (let i = 0; i < 20; i++) assert.is((await getJson(`${service.url}/api/stats`)).status, 200);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1000, `20 warm reads took ${elapsed} ms, well under one 2 s interval`);
    const health = await getJson(`${service.url}/api/health`);
    assert.is(health.body.activeConnections, 0, 'no WebSocket client was involved');
    assert.is(health.body.collectors.cpu.activations, 1, 'one collection served every read');
  } finally {
    await service.stop();
  }
});

test('HEAD, absolute-form targets, a missing Host and over-long URLs get their proper answers', async () => {
  const service = await startService(['--interval', '500ms']);
  try {
    for (const path of ['/api/health', '/api/stats', '/api/stats/cpu', '/api/stats/processes']) {
      const head = await fetch(`${service.url}${path}`, { method: 'HEAD' });
      assert.is(head.status, 200, `HEAD ${path}`);
      assert.is(head.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.ok(Number(head.headers.get('content-length')) > 0, 'the length the GET body would have');
      assert.is(await head.text(), '', 'no body');
    }
    const raw = (request: string) => rawRequest(service.port, request);
    const absolute = await raw('GET http://evil.example/api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    assert.match(absolute.head, /^HTTP\/1\.1 400 /);
    assert.not.match(absolute.body, /evil\.example/, 'the forged host is not echoed');
    assert.is(JSON.parse(absolute.body).status, 400);
    const noHost = await raw('GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.match(noHost.head, /^HTTP\/1\.1 400 /);
    assert.match(JSON.parse(noHost.body).error, /Host/);
    for (const length of [9_000, 20_000, 100_000]) {
      const long = await raw(`GET /${'a'.repeat(length)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      assert.match(long.head, /^HTTP\/1\.1 414 /, `${length}-byte URL`);
      assert.is(JSON.parse(long.body).status, 414);
    }
    const bigHeader = await raw(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(30_000)}\r\n\r\n`);
    assert.match(bigHeader.head, /^HTTP\/1\.1 431 /, 'big headers are still 431');
    assert.is((await getJson(`${service.url}/api/health`)).status, 200, 'and the service is fine');
  } finally {
    await service.stop();
  }
});

test('monitor.close() inside a complete handler lets the process exit at once', async () => {
  const script = `
    import { take } from 'rxjs';
    import { createMonitor } from './dist/lib/index.js';
    const monitor = createMonitor({ intervalMs: 200, lingerMs: 60000, gpu: { vendor: 'off' } });
    monitor.cpu$.pipe(take(3)).subscribe({ complete: () => { monitor.close(); console.log('closed'); } });
    monitor.stats$.pipe(take(2)).subscribe({ complete: () => monitor.close() });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  let closedAt = 0;
  child.stdout.on('data', () => { if (!closedAt && out.includes('closed')) closedAt = Date.now(); });
  const exit = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(-1); }, 15_000);
    child.once('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
  assert.is(exit, 0, 'exited by itself (a re-armed 60 s linger would have held it until the kill)');
  assert.ok(closedAt > 0, out);
});

function rawRequest(port: number, request: string): Promise<{ head: string; body: string }> {
  return import('node:net').then(({ connect }) => new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const split = data.indexOf('\r\n\r\n');
      resolve({ head: data.slice(0, split), body: data.slice(split + 4) });
    });
    socket.setTimeout(5000, () => socket.destroy());
  }));
}

test.run();
