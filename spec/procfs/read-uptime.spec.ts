import { test } from 'uvu';
import * as assert from 'uvu/assert';
import os from 'node:os';
import { join } from 'node:path';
import { readUptime } from '../../lib/procfs/read-uptime.js';
import { DEBIAN } from '../helpers/proc-trees.js';

test('seconds since boot from /proc/uptime', () => {
  assert.is(readUptime(join(DEBIAN, 'proc')), 352.18);
});

test('without /proc (macOS, Windows) the OS says', () => {
  const seconds = readUptime('/nonexistent');
  assert.ok(Math.abs(seconds - os.uptime()) < 2);
});

test.run();
