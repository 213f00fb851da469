import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstLine, oneLine } from '../../lib/format/one-line.js';
import { round2 } from '../../lib/format/round.js';

test('firstLine: the first non-blank line, trimmed, CRLF or LF', () => {
  assert.is(firstLine('\n  \r\n  NVIDIA-SMI has failed  \r\nsecond line'), 'NVIDIA-SMI has failed');
  assert.is(firstLine(''), '');
  assert.is(firstLine(' \n\t\n'), '');
});

test('firstLine clips long lines with "..." to the limit', () => {
  const long = 'x'.repeat(500);
  assert.is(firstLine(long).length, 200);
  assert.ok(firstLine(long).endsWith('...'));
  assert.is(firstLine(long, 50).length, 50);
  assert.is(firstLine('x'.repeat(200)), 'x'.repeat(200), 'exactly at the limit: untouched');
});

test('oneLine: an Error\'s message (not its stack), anything else as text, never empty', () => {
  assert.is(oneLine(new Error('spawn EACCES\n    at ChildProcess...')), 'spawn EACCES');
  assert.is(oneLine('plain text'), 'plain text');
  assert.is(oneLine(42), '42');
  assert.is(oneLine(new Error('')), 'unknown error');
  assert.is(oneLine(new Error('y'.repeat(400))).length, 300);
});

test('round2: two decimals', () => {
  assert.is(round2(12.345678), 12.35);
  assert.is(round2(0.004), 0);
  assert.is(round2(99.995), 100);
  assert.is(round2(7), 7);
});

test.run();
