// manageOptimizer: the policy on virtual time (a hand-moved CPU clock), then the real V8 flags in a
// child node: a hot function stays interpreted while the compilers are off, and is optimized once on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VirtualTimeScheduler } from 'rxjs';
import { COMPILERS_OFF, COMPILERS_ON, manageOptimizer } from '../../lib/lifecycle/optimizer.js';
import { ROOT } from '../helpers/service.js';

const POLICY = { busyShare: 0.03, windowMs: 5000, busyWindows: 2 };

function harness(mode: 'auto' | 'on' | 'off') {
  const scheduler = new VirtualTimeScheduler();
  const flags: string[] = [];
  const enabled: number[] = [];
  let cpu = 0; // µs
  let reads = 0;
  const stop = manageOptimizer(mode, POLICY, {
    scheduler,
    setFlags: (f) => flags.push(f),
    cpuMicros: () => (reads++, cpu),
    onEnabled: (share) => enabled.push(share),
  });
  /** One window during which the process used `share` of a core. */
  const windowAt = (share: number) => {
    cpu += share * POLICY.windowMs * 1000;
    scheduler.maxFrames = scheduler.frame + POLICY.windowMs;
    scheduler.flush();
  };
  return { flags, enabled, windowAt, stop, reads: () => reads };
}

test('auto: off from the start; start-up is not load; a steady 0.2 % or one busy window leaves it off; two busy windows in a row turn it on, then it stops looking', () => {
  const h = harness('auto');
  assert.equal(h.flags, [COMPILERS_OFF]);
  h.windowAt(0.4); // start-up: module loading and the first readings, before the watch's first look
  assert.equal(h.flags, [COMPILERS_OFF], 'the start-up window does not count');
  for (let i = 0; i < 10; i++) h.windowAt(0.002);
  assert.equal(h.flags, [COMPILERS_OFF], 'a quiet service never turns them on');
  h.windowAt(0.5);
  h.windowAt(0.002);
  assert.equal(h.flags, [COMPILERS_OFF], 'one busy window (a burst) is not load');
  h.windowAt(0.025);
  h.windowAt(0.025);
  assert.equal(h.flags, [COMPILERS_OFF], 'just under the threshold');
  h.windowAt(0.5);
  h.windowAt(0.6);
  assert.equal(h.flags, [COMPILERS_OFF, COMPILERS_ON]);
  assert.equal(h.enabled.map((s) => +s.toFixed(3)), [0.6], 'told once, with the share of the window that did it');
  const reads = h.reads();
  h.windowAt(0.5);
  h.windowAt(0);
  assert.is(h.reads(), reads, 'no more looking once they are on');
  assert.equal(h.flags, [COMPILERS_OFF, COMPILERS_ON], 'never turned off again');
});

test('on leaves V8 as it is; off never turns it on, however busy', () => {
  const on = harness('on');
  on.windowAt(1);
  assert.equal(on.flags, []);
  assert.is(on.reads(), 0, 'nothing watched');
  const off = harness('off');
  off.windowAt(1);
  assert.equal(off.flags, [COMPILERS_OFF]);
  assert.equal(off.enabled, []);
});

test('stop() ends the watch: a busy window after it changes nothing', () => {
  const h = harness('auto');
  h.stop();
  h.windowAt(1);
  assert.equal(h.flags, [COMPILERS_OFF]);
});

test('on this Node, the flags really decide: a hot function stays in the interpreter (no Sparkplug, no TurboFan) while off, and gets TurboFan code once on', () => {
  const module = pathToFileURL(join(ROOT, 'dist', 'lib', 'lifecycle', 'optimizer.js')).href;
  const script = `
    const { manageOptimizer } = await import(${JSON.stringify(module)});
    const status = new Function('f', 'return %GetOptimizationStatus(f)');
    const TURBOFANNED = 1 << 6, INTERPRETED = 1 << 7, BASELINE = 1 << 15; // V8's OptimizationStatus bits
    const { VirtualTimeScheduler } = await import('rxjs');
    const scheduler = new VirtualTimeScheduler();
    const tick = () => { scheduler.maxFrames = scheduler.frame + 1000; scheduler.flush(); };
    let cpu = 0;
    manageOptimizer('auto', { busyShare: 0.03, windowMs: 1000, busyWindows: 1 }, { cpuMicros: () => cpu, scheduler });
    tick(); // the watch's first look: its baseline
    function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
    const heat = async () => { for (let k = 0; k < 3000; k++) { hot(1000); if (k % 100 === 0) await new Promise((r) => setImmediate(r)); } };
    await heat();
    const off = status(hot);
    cpu += 1e6; // a whole core for the 1 s window
    tick();
    await heat();
    const on = status(hot);
    console.log(JSON.stringify({
      offInterpreted: (off & INTERPRETED) !== 0, offBaseline: (off & BASELINE) !== 0, offTurbofan: (off & TURBOFANNED) !== 0,
      onTurbofan: (on & TURBOFANNED) !== 0,
    }));
  `;
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.is(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout.trim()), { offInterpreted: true, offBaseline: false, offTurbofan: false, onTurbofan: true });
});

test.run();
