import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getJson, ROOT } from '../helpers/service.js';

// The package as a user gets it: packed, installed into a fresh project without dev dependencies
// (`--omit=dev`), imported by name, required from CommonJS, and run with `npx widgets-service PORT`.

let project: string;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test.before(() => {
  project = mkdtempSync(join(tmpdir(), 'widgets-consumer-'));
  const packed = mkdtempSync(join(tmpdir(), 'widgets-pack-'));
  execFileSync(npm, ['pack', '--silent', '--pack-destination', packed], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(packed).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made a tarball');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--silent', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', join(packed, tarball!)], {
    cwd: project, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000,
  });
  rmSync(packed, { recursive: true, force: true });
});

test.after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

test('the installed package streams cpu$, serves /api/stats on port 0, and exits by itself once closed', () => {
  writeFileSync(join(project, 'consumer.mjs'), `
    import { take, toArray, firstValueFrom } from 'rxjs';
    import { createMonitor, startServer, VERSION } from 'widgets-service';
    const monitor = createMonitor({ intervalMs: 300, lingerMs: 60000 });
    const cpus = await firstValueFrom(monitor.cpu$.pipe(take(2), toArray()));
    const server = await startServer({ port: 0, monitor: { intervalMs: 300 } });
    const res = await fetch(server.url + '/api/stats');
    const stats = await res.json();
    await server.close();
    monitor.close();
    console.log(JSON.stringify({ version: VERSION, cpus: cpus.map((c) => c.cores), status: res.status, keys: Object.keys(stats), port: server.port }));
  `);
  // No explicit exit: a leaked handle (timer, socket, child) would keep it running into the timeout.
  const run = spawnSync(process.execPath, ['consumer.mjs'], { cwd: project, encoding: 'utf8', timeout: 20_000 });
  assert.is(run.status, 0, `exited by itself with 0: ${run.stderr}`);
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
  assert.match(out.version, /^\d+\.\d+\.\d+/);
  assert.is(out.cpus.length, 2, 'two cpu$ emissions');
  assert.ok(out.cpus[0] >= 1);
  assert.is(out.status, 200);
  assert.ok(out.port > 0);
  assert.equal(out.keys, ['cpu', 'memory', 'gpu', 'disk', 'diskIO', 'network', 'processes', 'uptime', 'timestamp']);
});

test('the type declarations compile in a strict consumer project', () => {
  writeFileSync(join(project, 'consumer.ts'), `
    import { createMonitor, startServer, type SystemStats, type GpuStats, type CpuStats, type MonitorOptions, type RunningServer } from 'widgets-service';
    const options: MonitorOptions = { intervalMs: 1000, intervals: { processes: 5000 }, lingerMs: 2000, processes: { limit: 10, match: ['my-model-server'] } };
    const monitor = createMonitor(options);
    monitor.stats$.subscribe((s: SystemStats) => {
      const gpu: GpuStats | undefined = s.gpu[0];
      const used: number | null | undefined = gpu?.memoryUsed;
      const cpu: CpuStats = s.cpu;
      console.log(used, cpu.usage.toFixed(1), s.memory.swap.usedPercent);
    });
    const pending: Promise<RunningServer> = startServer({ port: 0, host: '127.0.0.1' });
    void pending.then((server) => server.close());
    const usage: Promise<number> = monitor.snapshot('cpu').then((c) => c.usage);
    void usage;
  `);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022',
      skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')],
    },
    files: ['consumer.ts'],
  }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8', timeout: 120_000 });
  assert.is(run.status, 0, `tsc: ${run.stdout}${run.stderr}`);
});

test('examples/embed.mjs (the README example) runs and exits by itself', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'examples', 'embed.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /cpu \d+(\.\d)?% on \d+ cores/);
  assert.match(run.stdout, /served http:\/\/127\.0\.0\.1:\d+\/api\/stats/);
  assert.match(run.stdout, /closed/);
});

test('CommonJS: the "default" export condition resolves; require() where Node supports require(esm), await import() everywhere', () => {
  writeFileSync(join(project, 'consumer.cjs'), `
    const resolved = require.resolve('widgets-service');
    let required;
    try { required = typeof require('widgets-service').createMonitor; } catch (error) { required = error.code; }
    import('widgets-service').then((m) => console.log(JSON.stringify({ resolved, required, imported: typeof m.createMonitor })));
  `);
  const run = spawnSync(process.execPath, ['consumer.cjs'], { cwd: project, encoding: 'utf8', timeout: 20_000 });
  assert.is(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim());
  assert.match(out.resolved, /node_modules[\\/]widgets-service[\\/]dist[\\/]lib[\\/]index\.js$/);
  assert.is(out.imported, 'function', 'await import() works from CommonJS');
  // Node 20.19+ and 22.12+ load ES modules with require(); older Node 20 answers ERR_REQUIRE_ESM (hence the README's await import()).
  assert.is(out.required, process.features.require_module ? 'function' : 'ERR_REQUIRE_ESM');
});

test('npx widgets-service PORT serves the installed package and stops on SIGTERM', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as { port: number };
      probe.close(() => resolve(p));
    });
  });
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  // Its own process group: SIGTERM reaches npx, the shell it starts and the service, as from a terminal.
  const child = spawn(npx, ['--no-install', 'widgets-service', String(port)], { cwd: project, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    let health: any;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && !health; await new Promise((r) => setTimeout(r, 50))) {
      health = await getJson(`http://127.0.0.1:${port}/api/health`).then((r) => (r.status === 200 ? r.body : undefined), () => undefined);
    }
    assert.ok(health, `npx widgets-service ${port} answered /api/health: ${stderr}`);
    assert.is(health.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // npx may be gone a moment before the service has closed its port.
    let after = 'answering';
    for (const deadline = Date.now() + 2000; Date.now() < deadline && after === 'answering'; await new Promise((r) => setTimeout(r, 50))) {
      after = await getJson(`http://127.0.0.1:${port}/api/health`).then(() => 'answering', () => 'gone');
    }
    assert.is(after, 'gone', 'the service stopped within 2 s of SIGTERM');
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

test.run();
