import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMaxOpenFiles, parseVirtualMemoryBytes } from '../../lib/metrics/proc-self.js';
import { readProcessInfo } from '../../lib/metrics/process-info.js';
import { DEBIAN } from '../helpers/proc-trees.js';

const captured = (name: string) => readFileSync(join(DEBIAN, 'proc', 'self', name), 'utf8');

test('parseMaxOpenFiles: the soft limit of the captured /proc/self/limits', () => {
  assert.is(parseMaxOpenFiles(captured('limits')), 20000);
});

test('parseMaxOpenFiles: unlimited or missing is null', () => {
  assert.is(parseMaxOpenFiles('Max open files            unlimited            unlimited            files     \n'), null);
  assert.is(parseMaxOpenFiles(''), null);
});

test('parseVirtualMemoryBytes: VmSize of the captured /proc/self/status, kB × 1024', () => {
  assert.is(parseVirtualMemoryBytes(captured('status')), 728236 * 1024);
  assert.is(parseVirtualMemoryBytes('Name:\tkthreadd\n'), null, 'kernel threads have no VmSize');
});

test('readProcessInfo: this process, live', () => {
  const before = readProcessInfo();
  assert.ok(before.cpuSeconds > 0);
  assert.ok(before.residentMemoryBytes > 1e6);
  const startedMs = before.startTimeSeconds * 1000;
  assert.ok(startedMs <= Date.now() && startedMs > Date.now() - process.uptime() * 1000 - 5000, 'started when Node says it did');
  if (process.platform !== 'linux') return;
  assert.ok(before.virtualMemoryBytes! >= before.residentMemoryBytes);
  assert.is(before.maxFds, parseMaxOpenFiles(readFileSync('/proc/self/limits', 'utf8')));
  const fd = openSync(join(DEBIAN, 'proc', 'self', 'limits'), 'r');
  try {
    assert.is(readProcessInfo().openFds, before.openFds! + 1, 'one more file open, one more descriptor counted');
  } finally {
    closeSync(fd);
  }
});

test('readProcessInfo: outside Linux the /proc-only figures are null, not 0', () => {
  const info = readProcessInfo('/proc', 'darwin');
  assert.equal([info.virtualMemoryBytes, info.openFds, info.maxFds], [null, null, null]);
  assert.ok(info.residentMemoryBytes > 0);
});

test.run();
