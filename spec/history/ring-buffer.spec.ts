import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RingBuffer } from '../../lib/history/ring-buffer.js';

test('keeps the newest `capacity` entries, oldest first, however many are pushed', () => {
  const ring = new RingBuffer<number>(3);
  assert.equal(ring.toArray(), []);
  assert.is(ring.last(), undefined);
  for (let i = 1; i <= 10; i++) ring.push(i);
  assert.is(ring.size, 3);
  assert.equal(ring.toArray(), [8, 9, 10]);
  assert.is(ring.last(), 10);
});

test('replaceLast overwrites the newest entry without growing', () => {
  const ring = new RingBuffer<string>(2);
  ring.replaceLast('a'); // empty: same as push
  ring.push('b');
  ring.replaceLast('B');
  assert.equal(ring.toArray(), ['a', 'B']);
  ring.push('c');
  ring.replaceLast('C');
  assert.equal(ring.toArray(), ['B', 'C']);
});

test('a capacity that is not a positive integer is refused', () => {
  assert.throws(() => new RingBuffer(0), /capacity must be a positive integer/);
  assert.throws(() => new RingBuffer(1.5), /capacity must be a positive integer/);
});

test.run();
