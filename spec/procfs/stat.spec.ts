import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyPercent, parseProcStat } from '../../lib/procfs/stat.js';
import { DEBIAN, HANDMADE, fixture } from '../helpers/proc-trees.js';

test('the aggregate and per-CPU lines of a captured /proc/stat', () => {
  const stat = parseProcStat(fixture(DEBIAN, 'proc/stat'));
  assert.equal(stat.total, { user: 3231, nice: 0, system: 1256, idle: 65464, iowait: 81, irq: 0, softirq: 24, steal: 7 });
  assert.is(stat.perCpu.length, 2);
  assert.is(stat.perCpu[1]!.user, 1993);
});

test('busy % between two snapshots counts idle and iowait as idle', () => {
  const before = parseProcStat(fixture(HANDMADE, 'proc/stat'));
  const after = parseProcStat(fixture(HANDMADE, 'proc/stat.next'));
  // 800 jiffies passed, 590 idle + 10 iowait: 200 busy.
  assert.is(busyPercent(before.total, after.total), 25);
  assert.equal(after.perCpu.map((t, i) => busyPercent(before.perCpu[i]!, t)), [75, 15, 5, 5]);
});

test('no time passing reads as 0 % rather than NaN', () => {
  const stat = parseProcStat(fixture(DEBIAN, 'proc/stat'));
  assert.is(busyPercent(stat.total, stat.total), 0);
});

test('a text without a cpu line is an error', () => {
  assert.throws(() => parseProcStat('intr 0\n'), /no cpu line/);
});

test.run();
