import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLoadavg } from '../../lib/procfs/loadavg.js';
import { DEBIAN, fixture } from '../helpers/proc-trees.js';

test('the three load averages of a captured /proc/loadavg', () => {
  assert.equal(parseLoadavg(fixture(DEBIAN, 'proc/loadavg')), [0.01, 0.06, 0.03]);
});

test('garbage is an error, not NaN', () => {
  assert.throws(() => parseLoadavg(''), /unreadable/);
});

test.run();
