import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const lean = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'lean-v8.ts')).href;

// Run in child processes: importing lean-v8 here would turn TurboFan off for the whole spec run.
/** Whether V8 optimizes a hot function in a node that first imports lean-v8 (or not). */
function optimizes(importLean: boolean, flags: string[] = []): boolean {
  const script = `(async () => {
    ${importLean ? `await import(${JSON.stringify(lean)});` : ''}
    function f(x) { return x + 1; }
    %PrepareFunctionForOptimization(f); f(1); f(2); %OptimizeFunctionOnNextCall(f); f(3);
    process.stdout.write(String((%GetOptimizationStatus(f) & 16) !== 0));
  })()`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--allow-natives-syntax', ...flags, '-e', script], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim() === 'true';
}

test('the service process runs without the optimizing compiler (a library user keeps it)', () => {
  assert.is(optimizes(false), true);
  assert.is(optimizes(true), false);
});

test('an explicit --turbofan on the node command line wins', () => {
  assert.is(optimizes(true, ['--turbofan']), true);
});

test.run();
