// The Node.js lines the package claims besides the one running the suite: the official binaries of
// the current LTS lines, from the npm registry's `node-<platform>-<arch>` packages (the same files
// nodejs.org ships), unpacked into .cache/node-lines/<line>/bin/node for spec/node-lines.spec.ts.
// Run by `npm test` before the specs. Only the registry npm is configured with is contacted (npm
// pack); a binary fetched within the last week is kept. Exits 1, naming the line, when one cannot
// be had: CI must not pass without running them. On Linux only (CI's platform; the package names
// and archive layout differ elsewhere): elsewhere it says so and spec/node-lines.spec.ts skips.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Current LTS lines (Node 20, the default, runs the whole suite itself). */
export const NODE_LINES = ['22', '24'];
export const CACHE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'node-lines');
const FRESH_MS = 7 * 24 * 3600 * 1000;

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = `node-${process.platform}-${process.arch}`;

function versionOf(binary) {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

function fetchLine(line) {
  const dir = path.join(CACHE, line);
  const binary = path.join(dir, 'bin', 'node');
  const stamp = path.join(dir, 'fetched-from');
  if (existsSync(binary) && existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < FRESH_MS && versionOf(binary)?.startsWith(`v${line}.`)) {
    return `${versionOf(binary)} (cached)`;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'node-line-'));
  try {
    const packed = spawnSync(npm, ['pack', `${pkg}@${line}`, '--pack-destination', work, '--json', '--silent'], { encoding: 'utf8', timeout: 300_000 });
    if (packed.status !== 0) throw new Error(`npm pack ${pkg}@${line} failed: ${(packed.stderr || packed.stdout).trim().split('\n').at(-1)}`);
    const [{ filename, version }] = JSON.parse(packed.stdout);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', path.join(work, filename), '-C', dir, '--strip-components=1', 'package/bin/node'], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`unpacking ${filename}: ${untar.stderr.trim()}`);
    const got = versionOf(binary);
    if (!got?.startsWith(`v${line}.`)) throw new Error(`${binary} says ${got ?? 'nothing'}, not v${line}`);
    writeFileSync(stamp, `${pkg}@${version}\n`);
    return got;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.platform !== 'linux') {
  process.stderr.write(`node-lines: only fetched on Linux (CI); skipped on ${process.platform}\n`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    const got = NODE_LINES.map((line) => fetchLine(line));
    process.stderr.write(`node-lines: ${got.join(', ')} in .cache/node-lines (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (error) {
    process.stderr.write(`node-lines: ${error.message}\n`);
    process.exit(1);
  }
}

/** The fetched binaries, by line (absent ones left out: the spec says which and how to fetch). */
export function fetchedLines() {
  return NODE_LINES.map((line) => {
    const binary = path.join(CACHE, line, 'bin', 'node');
    return { line, binary, present: existsSync(binary), from: existsSync(path.join(CACHE, line, 'fetched-from')) ? readFileSync(path.join(CACHE, line, 'fetched-from'), 'utf8').trim() : undefined };
  });
}
