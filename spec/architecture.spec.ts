// Architecture rules a reviewer would otherwise check by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './helpers/service.js';

const MADGE = createRequire(import.meta.url).resolve('madge/bin/cli.js');

test('no circular imports in lib/, spec/, bench/ or examples/ (madge)', () => {
  // madge exits 1 when it finds a cycle; the JSON on stdout says which.
  const run = spawnSync(process.execPath, [MADGE, '--circular', '--json', '--no-spinner', '--extensions', 'ts,mjs', 'lib', 'spec', 'bench', 'examples'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' },
  });
  assert.ok(run.stdout.trim().startsWith('['), `madge did not answer: ${run.stderr}`);
  const cycles = JSON.parse(run.stdout) as string[][];
  assert.equal(cycles.map((c) => c.join(' -> ')), [], 'import cycles');
});

// The child-process calls that block the event loop until the child ends: no REST or WebSocket
// answer, no tick, meanwhile. lib/ starts children asynchronously only (tools/spawn.ts); scripts/
// and spec/ may block.
const BLOCKING_CHILD_CALLS = new Set(['execSync', 'execFileSync', 'spawnSync']);

/** Uses of a blocking child-process call in one source text (identifiers and property-name strings; comments ignored). */
function blockingCalls(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const name = ts.isIdentifier(node) || ts.isPrivateIdentifier(node) ? node.text
      : ts.isStringLiteralLike(node) ? node.text : undefined;
    if (name !== undefined && BLOCKING_CHILD_CALLS.has(name)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${file}:${line + 1}: ${name} in \`${text.split('\n')[line]!.trim()}\``);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs|cjs)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

test('the check finds a blocking call however it is reached, and not in comments', () => {
  const text = [
    "// execSync would block here",
    "import { execFileSync } from 'node:child_process';",
    "const { spawnSync } = createRequire(import.meta.url)('node:child_process');",
    "cp['execSync']('ls');",
    "const fine = spawn('ls');",
  ].join('\n');
  assert.equal(blockingCalls('x.ts', text).map((f) => f.split(' in ')[0]), ['x.ts:2: execFileSync', 'x.ts:3: spawnSync', 'x.ts:4: execSync']);
});

test('nothing in lib/ blocks on a child process (execSync, execFileSync, spawnSync)', () => {
  const files = sourcesUnder('lib');
  assert.ok(files.length > 50, `lib/ was read (${files.length} files)`);
  const offenders = files.flatMap((f) => blockingCalls(f, readFileSync(path.join(ROOT, f), 'utf8')));
  assert.equal(offenders, [], `blocking child-process calls in lib/ (start children with tools/spawn.ts instead):\n  ${offenders.join('\n  ')}`);
});

test.run();
