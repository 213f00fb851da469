// ./build.sh on a clean clone, then what it built, run as a ClaraVerse user would: the bundle with
// plain node from an empty folder, the single executable from an empty folder with no node on
// PATH; each is started with a port argument, read, and stopped with SIGTERM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkStats, STATS_KEYS } from '../helpers/contract.js';
import { getJson, ROOT } from '../helpers/service.js';
import { firstStats } from '../helpers/ws-client.js';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const BINARY = { linux: 'widgets-service-linux', darwin: 'widgets-service-macos', win32: 'widgets-service-windows.exe' }[process.platform as string]!;

let work: string;
let clone: string;
let build: { status: number | null; output: string; seconds: number };

test.before(() => {
  work = mkdtempSync(join(tmpdir(), 'widgets-build-'));
  clone = join(work, 'clone');
  // A clean clone of the commit under test: nothing built, installed or uncommitted comes along.
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-checkout', ROOT, clone], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('git', ['checkout', '--quiet', '--detach', head], { cwd: clone, stdio: ['ignore', 'ignore', 'inherit'] });
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_prefer_offline: 'true' };
  delete env.FORCE_COLOR;
  const t0 = Date.now();
  const run = spawnSync('sh', ['build.sh'], { cwd: clone, env, encoding: 'utf8', timeout: 600_000 });
  build = { status: run.status, output: `${run.stdout}${run.stderr}`, seconds: (Date.now() - t0) / 1000 };
});

test.after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A folder holding only `file`: no node_modules beside it or above it. */
function aloneInEmptyFolder(file: string): string {
  const dir = mkdtempSync(join(work, 'run-'));
  copyFileSync(file, join(dir, file.split('/').pop()!));
  for (let d = dir; d !== dirname(d); d = dirname(d)) assert.not.ok(existsSync(join(d, 'node_modules')), `no node_modules at ${d}`);
  return dir;
}

/** Polls /api/health the way ClaraVerse's health check would, until it answers or 10 s pass. */
async function firstHealth(port: number, child: ChildProcess, stderr: () => string): Promise<{ body: any; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before answering: ${stderr()}`);
    if (Date.now() - t0 > 10_000) throw new Error(`no /api/health within 10 s: ${stderr()}`);
    try {
      const r = await getJson(`http://127.0.0.1:${port}/api/health`);
      if (r.status === 200) return { body: r.body, ms: Date.now() - t0 };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** SIGTERM, then the exit code if the process is gone within 2 s (else it is killed and the test fails). */
async function stopWithin2s(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 2000)));
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    child.kill('SIGKILL');
    assert.unreachable('still running 2 s after SIGTERM');
  }
  return outcome as number | null;
}

async function serveAndRead(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const port = await freePort();
  const child = spawn(command, [...args, String(port)], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const health = await firstHealth(port, child, () => stderr);
    const stats = await getJson(`http://127.0.0.1:${port}/api/stats`);
    const message = await firstStats(`ws://127.0.0.1:${port}/ws/stats`);
    return { health, stats, message, code: await stopWithin2s(child), stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

test('build.sh on a clean clone makes the bundle and the single executable and prints their sizes', () => {
  assert.is(build.status, 0, build.output.slice(-3000));
  console.log(`  (build.sh on a clean clone: ${build.seconds.toFixed(0)} s)`);
  assert.match(build.output, /dist\/widgets-service\.mjs\s+\d+(\.\d)? (KiB|MiB)/);
  assert.match(build.output, new RegExp(`dist/${BINARY.replace('.', '\\.')}\\s+\\d+(\\.\\d)? MiB`));
  assert.match(build.output, new RegExp(`built widgets-service ${VERSION.replace(/\./g, '\\.')}`));
  assert.not.match(build.output, /Can't find string offset/, 'no postject noise');
  assert.ok(existsSync(join(clone, 'dist', 'widgets-service.mjs')));
  assert.ok(existsSync(join(clone, 'dist', BINARY)));
});

test('the executable\'s script requires only Node built-ins (a SEA can load nothing else; optional add-ons are left out)', () => {
  const script = readFileSync(join(clone, 'dist', 'sea', 'widgets-service.cjs'), 'utf8');
  const required = new Set([...script.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!));
  assert.ok(required.size > 0, 'the bundle requires built-ins such as fs and os');
  const builtins = new Set(builtinModules);
  const others = [...required].filter((name) => !builtins.has(name.replace(/^node:/, '')));
  assert.equal(others, [], `non-built-in require()s: ${others.join(', ')}`);
});

test('node widgets-service.mjs PORT runs alone in an empty folder, answers, and stops on SIGTERM', async () => {
  const dir = aloneInEmptyFolder(join(clone, 'dist', 'widgets-service.mjs'));
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const run = await serveAndRead(process.execPath, ['widgets-service.mjs'], dir, env);
  console.log(`  (bundle: first /api/health after ${run.health.ms} ms)`);
  assert.is(run.health.body.service, 'widgets-service');
  assert.is(run.health.body.version, VERSION, 'the package version, baked in');
  assert.is(run.stats.status, 200);
  checkStats(run.stats.body);
  assert.equal(Object.keys(run.message), STATS_KEYS, 'a silent WebSocket client gets the stats object');
  assert.is(run.code, 0, `clean exit: ${run.stderr}`);
  assert.not.match(run.stderr, /Warning|Error/, 'nothing alarming in its log');
});

test(`./${BINARY} PORT runs with no node on PATH, answers, and stops on SIGTERM`, async () => {
  const dir = aloneInEmptyFolder(join(clone, 'dist', BINARY));
  const emptyPath = join(work, 'bin-without-node');
  mkdirSync(emptyPath, { recursive: true });
  const env = { PATH: emptyPath, HOME: dir };
  const exe = join(dir, BINARY);
  if (process.platform === 'linux') assert.is(readFileSync(exe).subarray(0, 4).toString('latin1'), '\x7fELF', 'a native executable, not a script');
  const version = spawnSync(exe, ['--version'], { cwd: dir, env, encoding: 'utf8', timeout: 10_000 });
  assert.is(version.stdout.trim(), VERSION, `--version: ${version.stderr}`);
  const run = await serveAndRead(exe, [], dir, env);
  console.log(`  (single executable: first /api/health after ${run.health.ms} ms)`);
  assert.is(run.health.body.version, VERSION);
  assert.is(run.stats.status, 200);
  checkStats(run.stats.body);
  assert.equal(Object.keys(run.message), STATS_KEYS, 'a silent WebSocket client gets the stats object');
  assert.is(run.code, 0, `clean exit: ${run.stderr}`);
  assert.not.match(run.stderr, /Warning|Error/, 'no SEA or experimental warnings in its log');
});

test.run();
