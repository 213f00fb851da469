// npm run bench:startup (after ./build.sh): how soon each way of running the service answers its
// first /api/health (ClaraVerse connects 2 s after starting it) and how much memory it holds then
// and after a first /api/stats. Each is started from an empty folder with a port argument, as
// ClaraVerse starts the binary; runs alternate between the variants so machine noise hits each alike.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, rssBytes } from './proc-usage.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binaryName = { linux: 'widgets-service-linux', darwin: 'widgets-service-macos', win32: 'widgets-service-windows.exe' }[process.platform as string];

/** `copied`: the file alone is copied into the empty folder it runs from (nothing beside it). */
interface Variant { name: string; file: string; copied: boolean; command: (dir: string) => [string, string[]] }

const candidates: Variant[] = [
  { name: 'node dist/lib/cli.js (tsc output + node_modules)', file: join(root, 'dist', 'lib', 'cli.js'), copied: false, command: () => [process.execPath, [join(root, 'dist', 'lib', 'cli.js')]] },
  { name: 'node widgets-service.mjs (bundle)', file: join(root, 'dist', 'widgets-service.mjs'), copied: true, command: (dir) => [process.execPath, [join(dir, 'widgets-service.mjs')]] },
  { name: `./${binaryName} (single executable)`, file: join(root, 'dist', binaryName ?? ''), copied: true, command: (dir) => [join(dir, binaryName!), []] },
];
const variants = candidates.filter((v) => existsSync(v.file));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function once(variant: Variant): Promise<{ healthMs: number; rssHealthMiB: number; rssStatsMiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'widgets-startup-'));
  if (variant.copied) copyFileSync(variant.file, join(dir, basename(variant.file)));
  const port = await freePort();
  const [command, args] = variant.command(dir);
  const t0 = performance.now();
  const child = spawn(command, [...args, String(port), '--quiet'], { cwd: dir, stdio: 'ignore' });
  try {
    const deadline = t0 + 10_000;
    for (;;) {
      if (performance.now() > deadline) throw new Error(`${variant.name}: no /api/health within 10 s`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (res.status === 200) {
          await res.arrayBuffer();
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const healthMs = performance.now() - t0;
    const rssHealthMiB = rssBytes(child.pid!) / 2 ** 20;
    await (await fetch(`http://127.0.0.1:${port}/api/stats`)).arrayBuffer();
    const rssStatsMiB = rssBytes(child.pid!) / 2 ** 20;
    return { healthMs, rssHealthMiB, rssStatsMiB };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.platform !== 'linux') throw new Error('the start-up benchmark reads RSS from /proc and runs on Linux only');
  if (variants.length < 2) throw new Error('run ./build.sh first: dist/widgets-service.mjs and the single executable are missing');
  const results = new Map(variants.map((v) => [v.name, [] as Awaited<ReturnType<typeof once>>[]]));
  for (let i = 0; i < RUNS; i++) for (const v of variants) results.get(v.name)!.push(await once(v));
  console.log(`start-up: ${RUNS} runs each, ${process.platform} ${process.arch}, node ${process.version}`);
  console.table(variants.map((v) => {
    const runs = results.get(v.name)!;
    return {
      variant: v.name,
      'first /api/health ms (median)': median(runs.map((r) => r.healthMs)).toFixed(0),
      'min–max ms': `${Math.min(...runs.map((r) => r.healthMs)).toFixed(0)}–${Math.max(...runs.map((r) => r.healthMs)).toFixed(0)}`,
      'RSS MiB at first health': median(runs.map((r) => r.rssHealthMiB)).toFixed(1),
      'RSS MiB after /api/stats': median(runs.map((r) => r.rssStatsMiB)).toFixed(1),
    };
  }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
