// Architecture rules a reviewer would otherwise check by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
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

test.run();
