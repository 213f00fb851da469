import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createVmStatReader, memoryFromVmStat, type VmStatRow } from '../../../lib/platform/darwin/vm-stat.js';
import { readDarwinFixture } from './fixtures.js';

const rows = (name: string): VmStatRow[] => {
  const read = createVmStatReader();
  return readDarwinFixture(`vm_stat/${name}`).split('\n').map(read).filter((r): r is VmStatRow => r !== undefined);
};

test('vm_stat 1 on an Intel Mac (4 KiB pages): every row, scaled event counters in the first', () => {
  const all = rows('intel-4k-loop-1s.txt');
  assert.is(all.length, 12);
  assert.is(all[0]!.pageSize, 4096);
  assert.equal([all[0]!.values.get('free'), all[0]!.values.get('specul'), all[0]!.values.get('inactive'), all[0]!.values.get('faults')],
    [47687, 8304, 1106164, 5919477 * 1024]);
  const total = 16 * 1024 ** 3;
  const m = memoryFromVmStat(all[0]!, total, { total: 0, used: 0 });
  // available = free + speculative + inactive pages (gopsutil/psutil), not free alone.
  const available = (47687 + 8304 + 1106164) * 4096;
  assert.equal([m.available, m.used, m.free, m.cached, m.buffers], [available, total - available, (47687 + 8304) * 4096, 536218 * 4096, 0]);
  assert.is(m.usedPercent, Math.round(((total - available) / total) * 10000) / 100);
  assert.equal(m.swap, { total: 0, used: 0, usedPercent: 0 });
});

test('vm_stat on Apple silicon (16 KiB pages), title and header repeated between rows', () => {
  const all = rows('apple-16k-loop.txt');
  assert.is(all.length, 2);
  assert.is(all[1]!.pageSize, 16384);
  const m = memoryFromVmStat(all[1]!, 128 * 1024 ** 3, { total: 2 * 1024 ** 3, used: 1024 ** 3 });
  assert.is(m.available, (15488 + 550 + 1724894) * 16384);
  assert.is(m.swap.usedPercent, 50);
});

test('available never passes total (a capture replayed on a smaller machine)', () => {
  const m = memoryFromVmStat(rows('apple-16k-loop.txt')[0]!, 1024 ** 3, { total: 0, used: 0 });
  assert.equal([m.available, m.used, m.usedPercent], [1024 ** 3, 0, 0]);
});

test('a row before the header, or with the wrong number of values, is an error', () => {
  assert.throws(() => createVmStatReader()('   1 2 3'), /before the title/);
  const read = createVmStatReader();
  read('Mach Virtual Memory Statistics: (page size of 4096 bytes)');
  read('    free   active');
  assert.throws(() => read('  12'), /1 values for 2 columns/);
  assert.throws(() => read('  12 x'), /unreadable/);
});

test.run();
