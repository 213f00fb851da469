import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMeminfo } from '../../lib/procfs/meminfo.js';
import { DEBIAN, fixture } from '../helpers/proc-trees.js';

test('kB fields become bytes (× 1024)', () => {
  const fields = parseMeminfo(fixture(DEBIAN, 'proc/meminfo'));
  assert.is(fields.get('MemTotal'), 24684092 * 1024);
  assert.is(fields.get('MemAvailable'), 24375260 * 1024);
  assert.is(fields.get('SwapTotal'), 0);
});

test('fields without a unit are counts and stay as they are', () => {
  const fields = parseMeminfo('HugePages_Total:       3\nHugepagesize:       2048 kB\n');
  assert.is(fields.get('HugePages_Total'), 3);
  assert.is(fields.get('Hugepagesize'), 2048 * 1024);
});

test.run();
