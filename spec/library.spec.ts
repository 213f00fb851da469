import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Subscription, filter, firstValueFrom, take, toArray } from 'rxjs';
import { createMonitor, createServer, OptionError, startServer, TOPICS } from '../lib/index.js';

test('two subscribers to stats$ share one collection: each collector starts once', async () => {
  const monitor = createMonitor({ intervalMs: 200, lingerMs: 100, gpu: { vendor: 'off' } });
  const subs = new Subscription();
  const a: string[] = [];
  const b: string[] = [];
  subs.add(monitor.stats$.subscribe((s) => a.push(s.timestamp)));
  subs.add(monitor.stats$.subscribe((s) => b.push(s.timestamp)));
  await firstValueFrom(monitor.stats$.pipe(filter(() => a.length >= 3)));
  for (const t of TOPICS) assert.is(monitor.health()[t].activations, 1, `${t} started once`);
  assert.ok(b.length >= 2 && b.every((t) => a.includes(t)), 'both see the same messages');
  subs.unsubscribe();
  monitor.close();
});

test('close() stops collection at once and later subscriptions complete', async () => {
  const monitor = createMonitor({ intervalMs: 200, lingerMs: 60_000 });
  await firstValueFrom(monitor.cpu$);
  assert.is(monitor.health().cpu.state, 'ok', 'lingering after the read');
  monitor.close();
  assert.is(monitor.health().cpu.state, 'idle', 'stopped without waiting for the linger');
  assert.equal(await firstValueFrom(monitor.cpu$.pipe(toArray())), []);
  assert.is(monitor.closed, true);
});

test('startServer serves on port 0 and close() ends collection', async () => {
  const server = await startServer({ port: 0, monitor: { intervalMs: 200, gpu: { vendor: 'off' } } });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const stats = (await (await fetch(`${server.url}/api/stats/memory`)).json()) as { total: number };
  assert.ok(stats.total > 0);
  await server.close();
  assert.is(server.monitor.closed, true);
});

test('metrics: { perPid: true } gives one /metrics series per process with a pid label; the default, one per name with a count', async () => {
  // This process is `node`, which the default AI/ML patterns list.
  const shapes: Record<string, string> = {};
  for (const [label, metrics] of [['default', undefined], ['perPid', { perPid: true }]] as const) {
    const server = await startServer({ port: 0, ...(metrics ? { metrics } : {}), monitor: { intervalMs: 200, gpu: { vendor: 'off' } } });
    try {
      shapes[label] = await (await fetch(`${server.url}/metrics`)).text();
    } finally {
      await server.close();
    }
  }
  assert.match(shapes.default!, /^widgets_processes\{name="node"\} \d+$/m);
  assert.not.match(shapes.default!, /pid="/);
  assert.match(shapes.perPid!, new RegExp(`^widgets_process_resident_memory_bytes\\{pid="${process.pid}",name="node"\\} \\d+$`, 'm'));
  assert.not.match(shapes.perPid!, /^widgets_processes/m);
});

test("createServer keeps the caller's monitor running after the server closes", async () => {
  const monitor = createMonitor({ intervalMs: 200, lingerMs: 0 });
  const server = await createServer(monitor, { port: 0 });
  await server.close();
  assert.is(monitor.closed, false);
  const cpus = await firstValueFrom(monitor.cpu$.pipe(take(1), toArray()));
  assert.is(cpus.length, 1);
  monitor.close();
});

test('every option is validated with a clear error', async () => {
  const bad: [unknown, RegExp][] = [
    [{ intervalMs: -5 }, /intervalMs must be a number of milliseconds/],
    [{ intervalMs: 'fast' }, /intervalMs/],
    [{ intervals: { cpu: 10 } }, /intervals.cpu must be/],
    [{ processes: { limit: 2.5 } }, /processes.limit must be a whole number/],
    [{ processes: { match: ['(unclosed'] } }, /not a valid regular expression/],
    [{ processes: { match: 'python' } }, /processes.match must be an array/],
    [{ gpu: { nvidiaSmiPath: 'nvidia-smi' } }, /gpu.nvidiaSmiPath must be an absolute path/],
    [{ gpu: { vendor: 'intel-please' } }, /gpu.vendor must be one of/],
    [{ gpu: { processIntervalMs: 10 } }, /gpu.processIntervalMs/],
    [{ lingerMs: Infinity }, /lingerMs/],
  ];
  for (const [options, message] of bad) assert.throws(() => createMonitor(options as never), message, JSON.stringify(options));
  // One error class for every bad option, whichever check caught it.
  for (const [options] of bad) assert.throws(() => createMonitor(options as never), (e: unknown) => e instanceof OptionError, JSON.stringify(options));
  const monitor = createMonitor({ lingerMs: 0 });
  const serverErrors: [unknown, RegExp][] = [
    [{ port: 70000 }, /port must be a whole number from 0 to 65535, got 70000/],
    [{ port: 1.5 }, /port must be a whole number/],
    [{ host: '0.0.0.0', env: {} }, /refusing to listen on 0\.0\.0\.0 without a token/],
    [{ security: { token: 'short' } }, /16/],
    [{ security: { allowOrigins: ['*'] } }, /\*/],
    [{ security: { rateLimit: { requestsPerSecond: 0 } } }, /rateLimit.requestsPerSecond/],
    [{ idleExitMs: -1 }, /idleExitMs/],
  ];
  for (const [options, message] of serverErrors) {
    let error: Error | undefined;
    try {
      const s = await createServer(monitor, { port: 0, ...(options as object) });
      await s.close();
    } catch (e) {
      error = e as Error;
    }
    assert.ok(error, `refused: ${JSON.stringify(options)}`);
    assert.match(error!.message, message);
  }
  monitor.close();
});

test.run();
