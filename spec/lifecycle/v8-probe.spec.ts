// The probes that decide whether the lean-memory tricks run on this V8: each refusal gives a reason
// and leaves the process alone. The real flags on each Node line are in optimizer.spec.ts and
// heap-trim.spec.ts (run on Node 20, 22 and 24 by spec/node-lines.spec.ts); the service's log lines
// when V8 refuses are in spec/e2e/v8-refusal.spec.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { applyLeanFlags, compileNatives, flagsFrozen } from '../../lib/lifecycle/v8-probe.js';

test('flags frozen: read from the options V8 started with, the last word winning', () => {
  assert.not.ok(flagsFrozen([]));
  assert.ok(flagsFrozen(['--freeze-flags-after-init']));
  assert.ok(flagsFrozen(['--freeze_flags_after_init']));
  assert.not.ok(flagsFrozen(['--freeze-flags-after-init', '--no-freeze-flags-after-init']));
  assert.not.ok(flagsFrozen(['--max-old-space-size=100']));
});

test('frozen flags: nothing is set (V8 would abort), the reason says why', () => {
  const set: string[] = [];
  const natives = compileNatives([], '%CollectGarbage(true)', { setFlags: (f) => set.push(f), startOptions: ['--freeze-flags-after-init'] });
  assert.equal(natives, { ok: false, reason: 'V8 flags are frozen (--freeze-flags-after-init)' });
  const lean = applyLeanFlags({ setFlags: (f) => set.push(f), startOptions: ['--freeze-flags-after-init'] });
  assert.equal(lean, { ok: false, reason: "cannot check V8's flags: V8 flags are frozen (--freeze-flags-after-init)" });
  assert.equal(set, [], 'no flag was touched');
});

test('a V8 that ignores flags set at run time: natives syntax stays refused, the lean flags cannot be checked', () => {
  const lean = applyLeanFlags({ setFlags: () => {}, startOptions: [] });
  assert.not.ok(lean.ok);
  if (!lean.ok) assert.match(lean.reason, /^cannot check V8's flags: V8 refused %GetOptimizationStatus\(f\): SyntaxError/);
});

test('a V8 that takes natives syntax but ignores the lean flags: they are put back and the trick is off', () => {
  const ignored: string[] = [];
  const lean = applyLeanFlags({
    startOptions: [],
    // Only the natives switch reaches V8; the compiler flags are "unknown" to it.
    setFlags: (f) => (/allow-natives-syntax/.test(f) ? setFlagsFromString(f) : ignored.push(f)),
  });
  assert.not.ok(lean.ok);
  if (!lean.ok) assert.match(lean.reason, /still optimizes with --no-turbofan --no-sparkplug .*--no-maglev$/);
  assert.match(ignored.at(-1)!, /^--turbofan --sparkplug .* --maglev$/, 'the defaults are asked back last');
  let nativesOff = false;
  try { new Function('%CollectGarbage(true)'); } catch (error) { nativesOff = error instanceof SyntaxError; }
  assert.ok(nativesOff, 'natives syntax is off again in this process');
});

test('a runtime function this V8 does not have, or with another arity: refused at compile time', () => {
  for (const body of ['%NoSuchRuntimeFunction()', '%CollectGarbage()']) {
    const compiled = compileNatives([], body, { startOptions: [] });
    assert.not.ok(compiled.ok, body);
    if (!compiled.ok) assert.match(compiled.reason, /SyntaxError/, body);
  }
});

test.run();
