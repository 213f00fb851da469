// GET /api/history and the WebSocket's history on connect, from the built service with the
// nvidia-smi stand-in: bounds, since, topics, shapes equal to /api/stats, empty before any reading.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getJson, startService, type RunningService } from '../helpers/service.js';
import { fakeGpuPath, fixture, type FakeGpuPath } from '../helpers/fake-gpu-path.js';
import { connect, isStats } from '../helpers/ws-client.js';
import { sleep, until } from '../helpers/wait.js';

let service: RunningService;
let gpu: FakeGpuPath;
// diskIO, the machine-wide disk I/O line, rides beside disk.
const TOPIC_KEYS = ['cpu', 'memory', 'gpu', 'disk', 'diskIO', 'network', 'processes'];

test.before(async () => {
  gpu = fakeGpuPath({
    FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv'),
    FAKE_NVIDIA_SMI_APPS: fixture('nvidia-smi/compute-apps-rtx4080super-linux-595.71.05-load.csv'),
  }, ['nvidia-smi'], true);
  // 2 s of history at 250 ms: at most 8 ticks kept.
  service = await startService(['--interval', '250ms', '--linger', '300ms', '--history', '2s', '--process-limit', '3'], gpu.env);
});

test.after(async () => {
  await service?.stop();
  gpu?.cleanup();
});

/** The keys of a payload, and of the first element of a list payload: its shape. */
function shape(value: unknown): string[] {
  const item = Array.isArray(value) ? value[0] : value;
  return item && typeof item === 'object' ? Object.keys(item).sort() : [typeof item];
}

test('before anything was collected: 200 with an empty list, and reading it wakes no collector', async () => {
  // Only the start-up GPU check has run so far (it reads the GPU once to name it).
  const res = await getJson(`${service.url}/api/history?topics=cpu,memory,disk,network,processes`);
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.body, { intervalMs: 250, samples: [] });
  const health = await getJson(`${service.url}/api/health`);
  for (const t of ['cpu', 'memory', 'disk', 'network', 'processes']) assert.is(health.body.collectors[t].activations, 0, `${t} never started`);
});

test('while a client reads, one row per tick with every topic shaped as in /api/stats; bounded by --history', async () => {
  const client = await connect(service.url.replace('http', 'ws') + '/ws/stats');
  try {
    await client.waitFor(isStats, 14, 8000); // > 8 ticks: the bound must have cut the oldest
    const stats = (await getJson(`${service.url}/api/stats`)).body;
    const { status, body } = await getJson(`${service.url}/api/history`);
    assert.is(status, 200);
    assert.is(body.intervalMs, 250);
    assert.ok(body.samples.length >= 4, `several ticks kept, got ${body.samples.length}`);
    const cpuRows = (await getJson(`${service.url}/api/history?topics=cpu`)).body.samples;
    assert.ok(cpuRows.length >= 4 && cpuRows.length <= 8, `2 s at 250 ms: at most 8 CPU readings kept, got ${cpuRows.length}`);
    const times = body.samples.map((s: any) => Date.parse(s.timestamp));
    times.forEach((t: number, i: number) => {
      assert.is(t % 250, 0, 'on the interval grid');
      if (i > 0) assert.ok(t > times[i - 1], 'oldest first');
    });
    assert.ok(Date.now() - times[0] <= 2000 + 1000, 'nothing older than the span (plus a tick)');
    const last = body.samples.at(-1);
    assert.equal(Object.keys(last), ['timestamp', ...TOPIC_KEYS]);
    for (const t of TOPIC_KEYS) assert.equal(shape(last[t]), shape(stats[t]), `${t} has the /api/stats shape`);
    assert.is(last.gpu[0].name, 'NVIDIA GeForce RTX 4080 SUPER');
    assert.ok(last.processes.length <= 3, 'processes: the same capped AI/ML list as /api/stats');
    const ai = (await getJson(`${service.url}/api/stats/processes`)).body;
    assert.ok(ai.length <= 3);
  } finally {
    await client.close();
  }
});

test('topics and since select what is answered', async () => {
  const all = (await getJson(`${service.url}/api/history?topics=cpu`)).body.samples;
  assert.ok(all.length >= 3);
  const some = (await getJson(`${service.url}/api/history?topics=gpu,cpu`)).body.samples;
  assert.equal(Object.keys(some[0]), ['timestamp', 'cpu', 'gpu'], 'contract order, only those asked for');
  const since = all[all.length - 3].timestamp;
  const after = (await getJson(`${service.url}/api/history?topics=cpu&since=${encodeURIComponent(since)}`)).body.samples;
  assert.equal(after.map((s: any) => s.timestamp), all.slice(-2).map((s: any) => s.timestamp), 'strictly after since');
  const future = (await getJson(`${service.url}/api/history?since=2999-01-01T00:00:00Z`)).body;
  assert.equal(future.samples, []);
});

test('a bad topic or since is a 400 with a JSON error saying what is wrong', async () => {
  for (const [query, error] of [
    ['topics=cpu,bogus', /unknown topic "bogus"; known topics: cpu, memory, gpu, disk, network, processes/],
    ['topics=', /topics: name at least one of/],
    ['since=yesterday', /since must be an ISO-8601 time with a zone/],
    ['since=2026-01-01', /since must be an ISO-8601 time/],
  ] as const) {
    const res = await getJson(`${service.url}/api/history?${query}`);
    assert.is(res.status, 400, query);
    assert.is(res.body.status, 400);
    assert.match(res.body.error, error);
  }
});

test('WebSocket ?history=1: one history message for the chosen topics before the stream', async () => {
  const client = await connect(service.url.replace('http', 'ws') + '/ws/stats?topics=cpu,gpu&history=1');
  try {
    await client.waitFor(isStats, 2, 4000);
    const first = client.messages[0]!.json;
    assert.equal(Object.keys(first), ['history']);
    assert.is(first.history.intervalMs, 250);
    assert.ok(first.history.samples.length >= 1, 'what was kept while the earlier client listened');
    for (const row of first.history.samples) assert.equal(Object.keys(row), ['timestamp', 'cpu', 'gpu']);
    assert.ok(isStats(client.messages[1]!), 'then the stream');
    // Asked again by message, only after a time: ack, then history, then the stream goes on.
    const since = first.history.samples.at(-1).timestamp;
    const from = client.messages.length;
    client.send(JSON.stringify({ history: since }));
    const [ack] = await client.waitFor((m) => 'subscribed' in (m.json ?? {}), 1, 2000, from);
    assert.equal(ack!.json, { subscribed: ['cpu', 'gpu'], interval: 250 });
    const [again] = await client.waitFor((m) => 'history' in (m.json ?? {}), 1, 2000, from);
    assert.ok(again!.json.history.samples.every((r: any) => r.timestamp > since));
  } finally {
    await client.close();
  }
});

test('WebSocket: a bad history value is refused with a clear error', async () => {
  const bad = await connect(service.url.replace('http', 'ws') + '/ws/stats?history=soon');
  const closed = await bad.closed;
  assert.is(closed.code, 1008);
  assert.match(bad.messages[0]!.json.error, /^history: since must be an ISO-8601 time/);
  const client = await connect(service.url.replace('http', 'ws') + '/ws/stats');
  try {
    client.send(JSON.stringify({ history: 5 }));
    await client.waitFor((m) => 'error' in (m.json ?? {}), 1, 2000);
    assert.match(client.messages.find((m) => m.json?.error)!.json.error, /"history" must be true or an ISO time, got 5/);
  } finally {
    await client.close();
  }
});

test('after collection stopped, nothing more is recorded', async () => {
  await sleep(800); // past the linger
  const health = await getJson(`${service.url}/api/health`);
  assert.is(health.body.collectors.cpu.state, 'idle');
  const a = (await getJson(`${service.url}/api/history`)).body.samples;
  await sleep(600);
  const b = (await getJson(`${service.url}/api/history`)).body.samples;
  assert.equal(b, a);
  await until(() => true, 10, 'nothing');
});

test('the start-up lines: dashboard URL, the GPU found and how, and exit-with-parent', async () => {
  const log = service.stderr();
  assert.match(log, new RegExp(`dashboard: ${service.url}/\\n`));
  await until(() => /GPU: /.test(service.stderr()), 5000, 'the GPU line');
  assert.match(service.stderr(), /GPU: 1 × NVIDIA GeForce RTX 4080 SUPER via nvidia-smi[^\n]* · AMD: none\n/);
  assert.match(log, new RegExp(`will exit when its parent process node \\(pid ${process.pid}\\) exits; start with --no-exit-with-parent to keep running`));
  const other = await startService(['--no-exit-with-parent']);
  try {
    assert.not.match(other.stderr(), /will exit when its parent/);
  } finally {
    await other.stop();
  }
});

test.run();
