import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer as createNetServer } from 'node:net';
import { checkCpu, checkDisk, checkMemory, checkNetwork, checkProcesses, checkStats } from '../helpers/contract.js';
import { getJson, runCli, startService, type RunningService } from '../helpers/service.js';

let service: RunningService;

test.before(async () => {
  service = await startService(['--interval', '500ms', '--linger', '400ms']);
});

test.after(async () => {
  await service?.stop();
});

test('GET /api/stats answers the whole contract with real numbers on an idle service', async () => {
  const t0 = Date.now();
  const { status, headers, body } = await getJson(`${service.url}/api/stats`);
  assert.ok(Date.now() - t0 < 3000, 'first read does not block for seconds');
  assert.is(status, 200);
  assert.match(headers.get('content-type') ?? '', /^application\/json/);
  checkStats(body, { gpu: [] }); // no GPU tool on PATH: an empty list, not an invented GPU
});

test('each sub-endpoint answers its part alone, in the same shape as inside /api/stats', async () => {
  checkCpu((await getJson(`${service.url}/api/stats/cpu`)).body);
  checkMemory((await getJson(`${service.url}/api/stats/memory`)).body);
  assert.equal((await getJson(`${service.url}/api/stats/gpu`)).body, []);
  checkDisk((await getJson(`${service.url}/api/stats/disk`)).body);
  checkNetwork((await getJson(`${service.url}/api/stats/network`)).body);
  checkProcesses((await getJson(`${service.url}/api/stats/processes`)).body);
});

test('processes?scope=all&limit=N lists the top N of all processes by CPU', async () => {
  const { status, body } = await getJson(`${service.url}/api/stats/processes?scope=all&limit=5`);
  assert.is(status, 200);
  assert.is(body.length, 5);
  checkProcesses(body);
  for (let i = 1; i < body.length; i++) assert.ok(body[i - 1].cpu >= body[i].cpu, 'sorted by CPU, descending');
  const bad = await getJson(`${service.url}/api/stats/processes?limit=abc`);
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /limit must be an integer/);
  assert.is((await getJson(`${service.url}/api/stats/processes?scope=everything`)).status, 400);
});

test('/api/health reports the service, version and each collector, and collection stops after the linger', async () => {
  await getJson(`${service.url}/api/stats/cpu`);
  let { status, body } = await getJson(`${service.url}/api/health`);
  assert.is(status, 200);
  assert.is(body.status, 'healthy');
  assert.is(body.service, 'widgets-service');
  assert.type(body.version, 'string');
  assert.is(body.activeConnections, 0);
  assert.match(body.timestamp, /Z$/);
  assert.is(body.collectors.cpu.state, 'ok', 'cpu woken by the read');
  await new Promise((r) => setTimeout(r, 1500));
  ({ body } = await getJson(`${service.url}/api/health`));
  for (const topic of ['cpu', 'memory', 'gpu', 'disk', 'network', 'processes']) {
    assert.is(body.collectors[topic].state, 'idle', `${topic} idle after the linger`);
  }
  const cpuRuns = body.collectors.cpu.activations;
  await getJson(`${service.url}/api/stats/cpu`);
  ({ body } = await getJson(`${service.url}/api/health`));
  assert.is(body.collectors.cpu.activations, cpuRuns + 1, 'a new read restarts collection');
});

test('a read of /api/stats/cpu on an idle service does not wake the process or GPU collectors', async () => {
  await new Promise((r) => setTimeout(r, 1500));
  const before = (await getJson(`${service.url}/api/health`)).body.collectors;
  await getJson(`${service.url}/api/stats/cpu`);
  const after = (await getJson(`${service.url}/api/health`)).body.collectors;
  assert.is(after.cpu.activations, before.cpu.activations + 1);
  assert.is(after.processes.activations, before.processes.activations);
  assert.is(after.gpu.activations, before.gpu.activations);
});

test('unknown paths get 404, wrong methods 405, /ws/stats without upgrade 400, all as JSON', async () => {
  let r = await getJson(`${service.url}/api/nope`);
  assert.is(r.status, 404);
  assert.match(r.body.error, /no such endpoint: \/api\/nope/);
  r = await getJson(`${service.url}/api/stats`, { method: 'POST', body: '{}' });
  assert.is(r.status, 405);
  assert.match(r.body.error, /not allowed/);
  r = await getJson(`${service.url}/ws/stats`);
  assert.is(r.status, 400);
  assert.match(r.body.error, /WebSocket/);
});

test('CORS: loopback frontends get their origin allowed and preflight is answered', async () => {
  const origin = 'http://localhost:5173';
  const r = await getJson(`${service.url}/api/stats/memory`, { headers: { Origin: origin } });
  assert.is(r.status, 200);
  assert.ok(['*', origin].includes(r.headers.get('access-control-allow-origin') ?? ''), 'origin allowed');
  assert.match(r.headers.get('vary') ?? '', /Origin/);
  const pre = await fetch(`${service.url}/api/stats`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
  });
  assert.is(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-methods') ?? '', /GET/);
  assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/i);
});

test('CLI: --help, --version, and a bad port ends with a one-line error and a non-zero code', async () => {
  const help = await runCli(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /Usage: widgets-service \[port\]/);
  const version = await runCli(['--version']);
  assert.is(version.code, 0);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  const bad = await runCli(['99999']);
  assert.is.not(bad.code, 0);
  assert.match(bad.stderr, /port must be a whole number from 0 to 65535, got 99999/);
  assert.not.match(bad.stderr, /\n\s+at /, 'no stack trace');
  const junk = await runCli(['--port', 'abc']);
  assert.is.not(junk.code, 0);
  assert.match(junk.stderr, /--port must be a whole number from 0 to 65535, got "abc"/);
});

test('CLI: a busy port ends with a one-line error naming the port', async () => {
  const blocker = createNetServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const busy = await runCli([String(port)]);
    assert.is(busy.code, 1);
    assert.match(busy.stderr, new RegExp(`port ${port} is already in use`));
    assert.is(busy.stderr.trim().split('\n').length, 1, `one line, got: ${busy.stderr}`);
  } finally {
    blocker.close();
  }
});

test('SIGTERM and SIGINT shut the service down cleanly with exit code 0', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const s = await startService();
    await getJson(`${s.url}/api/stats/cpu`);
    const t0 = Date.now();
    assert.is(await s.stop(signal), 0);
    assert.ok(Date.now() - t0 < 2500, 'within 2 s');
  }
});

test('the positional port works like npm start -- 8766 (same as --port)', async () => {
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('../helpers/service.js');
  const child = spawn(process.execPath, [CLI, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (c: Buffer) => { err += c; if (err.includes(`:${port}`)) resolve(); });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const r = await getJson(`http://127.0.0.1:${port}/api/health`);
    assert.is(r.status, 200);
  } finally {
    child.kill('SIGTERM');
  }
});

test.run();
