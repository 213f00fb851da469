// manageOptimizer: the policy on virtual time (a hand-moved CPU clock), then the real V8 flags in a
// child node: a hot function stays interpreted while the compilers are off, and is optimized once on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VirtualTimeScheduler } from 'rxjs';
import { manageOptimizer } from '../../lib/lifecycle/optimizer.js';
import { DEFAULT_V8_FLAGS, LEAN_V8_FLAGS } from '../../lib/lifecycle/v8-flags.js';
import { ROOT } from '../helpers/service.js';

const POLICY = { busyShare: 0.02, tickMs: 1000, spanTicks: 2, graceTicks: 5 };

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
  /** One second during which the process used `share` of a core. */
  const second = (share: number) => {
    cpu += share * POLICY.tickMs * 1000;
    scheduler.maxFrames = scheduler.frame + POLICY.tickMs;
    scheduler.flush();
  };
  return { flags, enabled, second, stop, reads: () => reads };
}

/** A quiet service: a 7 ms sample every 2 s. */
const quiet = (h: ReturnType<typeof harness>, seconds: number) => {
  for (let i = 0; i < seconds; i++) h.second(i % 2 === 0 ? 0.007 : 0);
};

test('auto: off from the start; start-up, a quiet service and a one-off burst leave it off; load over the last 2 s turns it on, then it stops looking', () => {
  const h = harness('auto');
  assert.equal(h.flags, [LEAN_V8_FLAGS]);
  for (let i = 0; i < 5; i++) h.second(0.3); // start-up: the first readings
  assert.equal(h.flags, [LEAN_V8_FLAGS], 'the first 5 s do not count');
  quiet(h, 60);
  assert.equal(h.flags, [LEAN_V8_FLAGS], 'a quiet service never turns them on');
  h.second(0.02); // a history request
  quiet(h, 4);
  assert.equal(h.flags, [LEAN_V8_FLAGS], 'a burst of 20 ms is not load');
  for (let i = 0; i < 10; i++) h.second(i % 2 === 0 ? 0.035 : 0); // 35 ms samples every 2 s: 1.75 % (about 1,500 processes)
  assert.equal(h.flags, [LEAN_V8_FLAGS], 'just under the threshold');
  h.second(0.5);
  assert.equal(h.flags, [LEAN_V8_FLAGS, DEFAULT_V8_FLAGS], 'a flood: on within its first 2 s');
  assert.equal(h.enabled.map((s) => +s.toFixed(3)), [0.25], 'told once, with the share over the last 2 s');
  const reads = h.reads();
  h.second(0.5);
  h.second(0);
  assert.is(h.reads(), reads, 'no more looking once they are on');
  assert.equal(h.flags, [LEAN_V8_FLAGS, DEFAULT_V8_FLAGS], 'never turned off again');
});

test('auto: thousands of processes (a 50 ms sample every 2 s) turn it on too', () => {
  const h = harness('auto');
  quiet(h, 10);
  for (let i = 0; i < 4; i++) h.second(i % 2 === 0 ? 0.05 : 0);
  assert.equal(h.flags, [LEAN_V8_FLAGS, DEFAULT_V8_FLAGS]);
});

test('on leaves V8 as it is; off never turns it on, however busy', () => {
  const on = harness('on');
  on.second(1);
  assert.equal(on.flags, []);
  assert.is(on.reads(), 0, 'nothing watched');
  const off = harness('off');
  for (let i = 0; i < 20; i++) off.second(1);
  assert.equal(off.flags, [LEAN_V8_FLAGS]);
  assert.equal(off.enabled, []);
});

test('stop() ends the watch: load after it changes nothing', () => {
  const h = harness('auto');
  h.stop();
  for (let i = 0; i < 20; i++) h.second(1);
  assert.equal(h.flags, [LEAN_V8_FLAGS]);
});

test('on this Node, the flags really decide: while off a hot function stays in the interpreter (no Sparkplug, no Maglev, no TurboFan) and the young generation keeps its size under churn; once on, TurboFan code and a growing young generation', () => {
  const module = pathToFileURL(join(ROOT, 'dist', 'lib', 'lifecycle', 'optimizer.js')).href;
  const probe = pathToFileURL(join(ROOT, 'dist', 'lib', 'lifecycle', 'v8-probe.js')).href;
  const script = `
    const { manageOptimizer } = await import(${JSON.stringify(module)});
    const { applyLeanFlags } = await import(${JSON.stringify(probe)});
    const status = new Function('f', 'return %GetOptimizationStatus(f)');
    const MAGLEVVED = 1 << 5, TURBOFANNED = 1 << 6, INTERPRETED = 1 << 7, BASELINE = 1 << 15; // V8's OptimizationStatus bits
    // The flags as the CLI sets them on this V8 (with Maglev too where it tiers up without TurboFan).
    const lean = applyLeanFlags();
    if (!lean.ok) throw new Error(lean.reason);
    const { VirtualTimeScheduler } = await import('rxjs');
    const scheduler = new VirtualTimeScheduler();
    const tick = () => { scheduler.maxFrames = scheduler.frame + 1000; scheduler.flush(); };
    let cpu = 0;
    manageOptimizer('auto', { busyShare: 0.03, tickMs: 1000, spanTicks: 1, graceTicks: 1 }, { cpuMicros: () => cpu, scheduler, flags: lean.value });
    tick(); // the watch's first look: its baseline
    function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
    const heat = async () => { for (let k = 0; k < 3000; k++) { hot(1000); if (k % 100 === 0) await new Promise((r) => setImmediate(r)); } };
    const { getHeapSpaceStatistics } = await import('node:v8');
    const youngMiB = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    const churn = () => { const keep = []; for (let i = 0; i < 1e6; i++) { keep.push({ i }); if (keep.length > 100000) keep.splice(0, 50000); } };
    const youngAtStart = youngMiB(); // it grew while the modules above loaded
    churn();
    const youngOff = youngMiB();
    await heat();
    const off = status(hot);
    cpu += 1e6; // a whole core for the 1 s window
    tick();
    await heat();
    const on = status(hot);
    churn();
    const youngOn = youngMiB();
    console.log(JSON.stringify({
      offInterpreted: (off & INTERPRETED) !== 0, offBaseline: (off & BASELINE) !== 0, offMaglev: (off & MAGLEVVED) !== 0, offTurbofan: (off & TURBOFANNED) !== 0,
      onTurbofan: (on & TURBOFANNED) !== 0,
      youngStaysSmallOff: youngOff <= youngAtStart, youngGrowsOn: youngOn > youngOff,
    }));
  `;
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.is(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout.trim()), { offInterpreted: true, offBaseline: false, offMaglev: false, offTurbofan: false, onTurbofan: true, youngStaysSmallOff: true, youngGrowsOn: true });
});

test.run();
