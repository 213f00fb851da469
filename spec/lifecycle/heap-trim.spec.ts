// trimHeapPeriodically on virtual time with a hand-moved heap; fullCollection for real, in a child
// node (the natives-syntax flag it sets must not leak into the spec runner).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VirtualTimeScheduler } from 'rxjs';
import { fullCollection, trimHeapPeriodically } from '../../lib/lifecycle/heap-trim.js';
import { ROOT } from '../helpers/service.js';

const MIB = 1024 * 1024;

test('collects once a minute, and only when the heap grew at least minGrowthBytes since the last collection', () => {
  const scheduler = new VirtualTimeScheduler();
  let heap = 6 * MIB;
  const collections: number[] = [];
  const stop = trimHeapPeriodically({
    everyMs: 60_000, minGrowthBytes: 256 * 1024, scheduler,
    heapUsed: () => heap,
    collect: () => { collections.push(scheduler.frame); heap = 6.2 * MIB; },
  });
  const minute = (grownBy: number) => {
    heap += grownBy;
    scheduler.maxFrames = scheduler.frame + 60_000;
    scheduler.flush();
  };
  minute(0);
  minute(100 * 1024);
  assert.equal(collections, [], 'idle or growing slowly: nothing to do yet');
  minute(200 * 1024); // 300 KiB since start
  assert.equal(collections, [180_000]);
  minute(1 * MIB);
  minute(0);
  assert.equal(collections, [180_000, 240_000], 'measured from the heap after the last collection');
  stop();
  minute(5 * MIB);
  assert.is(collections.length, 2, 'nothing after stop()');
});

test('fullCollection really frees garbage, and leaves natives syntax off again', () => {
  const module = pathToFileURL(join(ROOT, 'dist', 'lib', 'lifecycle', 'heap-trim.js')).href;
  const script = `
    const { fullCollection } = await import(${JSON.stringify(module)});
    const { getHeapStatistics } = await import('node:v8');
    const compiled = fullCollection();
    if (!compiled.ok) throw new Error(compiled.reason);
    const collect = compiled.value;
    let keep = Array.from({ length: 200000 }, (_, i) => ({ i, text: 'x'.repeat(20) + i }));
    collect();
    const withGarbage = getHeapStatistics().used_heap_size;
    keep = null;
    collect();
    const after = getHeapStatistics().used_heap_size;
    let nativesOff = false;
    try { new Function('%CollectGarbage(true)'); } catch (error) { nativesOff = error instanceof SyntaxError; }
    console.log(JSON.stringify({ freedMiB: (withGarbage - after) / 1048576, nativesOff }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.is(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim());
  assert.ok(out.freedMiB > 10, `the 200,000 dropped objects were collected (${out.freedMiB.toFixed(1)} MiB)`);
  assert.ok(out.nativesOff, '%-syntax is refused again after the function is made');
});

test('a collection that throws stops the trim for good and says why once', () => {
  const scheduler = new VirtualTimeScheduler();
  let heap = 6 * MIB;
  const refusals: string[] = [];
  let calls = 0;
  trimHeapPeriodically({
    everyMs: 60_000, minGrowthBytes: 0, scheduler, heapUsed: () => (heap += MIB),
    collect: () => { calls++; throw new TypeError('not a runtime function'); },
    onRefused: (reason) => refusals.push(reason),
  });
  scheduler.maxFrames = 300_000;
  scheduler.flush();
  assert.is(calls, 1, 'tried once');
  assert.equal(refusals, ['%CollectGarbage threw: TypeError: not a runtime function']);
});

test('a V8 that refuses natives syntax: the reason instead of an exception', () => {
  // Flags that do not take effect (as in a V8 that ignores them): %-syntax stays a syntax error.
  const compiled = fullCollection({ setFlags: () => {}, startOptions: [] });
  assert.not.ok(compiled.ok);
  if (!compiled.ok) assert.match(compiled.reason, /^V8 refused %CollectGarbage\(true\): SyntaxError/);
});

test.run();
