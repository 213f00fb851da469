import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePidStat } from '../../lib/procfs/pid-stat.js';
import { DEBIAN, fixture } from '../helpers/proc-trees.js';

test('a captured node process truncated to 15 characters by the kernel', () => {
  assert.equal(parsePidStat(fixture(DEBIAN, 'proc/4724/stat')), {
    pid: 4724, comm: 'llama-server-wo', state: 'S', ppid: 4716, utime: 8, stime: 0, starttime: 35167, rss: 10075,
  });
});

test('a kernel thread: idle, no memory', () => {
  const stat = parsePidStat(fixture(DEBIAN, 'proc/10/stat'));
  assert.is(stat.comm, 'kworker/0:0H-kblockd');
  assert.is(stat.state, 'I');
  assert.is(stat.rss, 0);
});

test('a name holding spaces and parentheses ends at the last parenthesis', () => {
  const stat = parsePidStat('77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 12 3 0 0 20 0 1 0 500 1000 25 0');
  assert.is(stat.comm, 'my (odd) name');
  assert.is(stat.state, 'R');
  assert.equal([stat.utime, stat.stime, stat.starttime, stat.rss], [12, 3, 500, 25]);
});

test.run();
