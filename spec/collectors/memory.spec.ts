import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler, map, take } from 'rxjs';
import { memoryCollector, memoryFromMeminfo } from '../../lib/collectors/memory.js';
import { parseMeminfo } from '../../lib/procfs/meminfo.js';
import { DEBIAN, HANDMADE, fixture, linuxContext } from '../helpers/proc-trees.js';

const KiB = 1024;

test('used is total minus available; swap used is total minus free', () => {
  virtual().run(({ expectObservable }) => {
    const values = memoryCollector(linuxContext(HANDMADE, asyncScheduler), {}).pipe(map((s) => s.value), take(1));
    expectObservable(values).toBe('(a|)', {
      a: {
        total: 16_000_000 * KiB,
        available: 6_000_000 * KiB,
        used: 10_000_000 * KiB,
        usedPercent: 62.5,
        swap: { total: 4_000_000 * KiB, used: 1_000_000 * KiB, usedPercent: 25 },
        free: 2_000_000 * KiB,
        cached: (3_000_000 + 250_000) * KiB,
        buffers: 500_000 * KiB,
      },
    });
  });
});

test('the captured VM: 24 GiB, no swap (0 %, not NaN)', () => {
  const m = memoryFromMeminfo(parseMeminfo(fixture(DEBIAN, 'proc/meminfo')));
  assert.is(m.total, 24684092 * KiB);
  assert.is(m.used, (24684092 - 24375260) * KiB);
  assert.is(m.usedPercent, 1.25, "(24684092 - 24375260) / 24684092 × 100, to two decimals");
  assert.equal(m.swap, { total: 0, used: 0, usedPercent: 0 });
});

test('a kernel without MemAvailable (before 3.14): free + buffers + cache', () => {
  const m = memoryFromMeminfo(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n'));
  assert.is(m.available, 400 * KiB);
  assert.is(m.used, 600 * KiB);
});

function virtual() {
  return new TestScheduler((actual, expected) => assert.equal(actual, expected));
}

test.run();
