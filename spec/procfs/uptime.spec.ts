import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUptime } from '../../lib/procfs/uptime.js';
import { DEBIAN, fixture } from '../helpers/proc-trees.js';

test('seconds since boot, fraction kept', () => {
  assert.is(parseUptime(fixture(DEBIAN, 'proc/uptime')), 352.18);
});

test('garbage is an error', () => {
  assert.throws(() => parseUptime('up a while'), /unreadable/);
});

test.run();
