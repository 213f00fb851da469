import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHistory, historyCapacity, MAX_HISTORY_SAMPLES } from '../../lib/history/history.js';
import { TOPICS, type Topic } from '../../lib/types.js';
import { fakeCpu, fakeMemory } from '../helpers/fake-collectors.js';

const every = (ms: number) => Object.fromEntries(TOPICS.map((t) => [t, ms])) as Record<Topic, number>;
const T0 = Date.parse('2026-01-01T00:00:00Z');

test('capacity is the span at the interval, capped, and 0 turns history off', () => {
  assert.is(historyCapacity(600_000, 2000), 300, 'default: 10 minutes at 2 s');
  assert.is(historyCapacity(600_000, 1500), 400);
  assert.is(historyCapacity(86_400_000, 100), MAX_HISTORY_SAMPLES);
  assert.is(historyCapacity(0, 2000), 0);
  const off = createHistory(0, every(2000));
  off.record('cpu', T0, fakeCpu(5));
  assert.equal(off.query(), { intervalMs: 2000, samples: [] });
});

test('memory is bounded: a topic never keeps more than its capacity, the oldest go first', () => {
  const history = createHistory(10_000, every(1000)); // 10 per topic
  for (let i = 0; i < 1000; i++) history.record('cpu', T0 + i * 1000, fakeCpu(i));
  assert.is(history.capacity('cpu'), 10);
  assert.is(history.size('cpu'), 10);
  const { samples } = history.query({ topics: ['cpu'] });
  assert.is(samples.length, 10);
  assert.equal(samples.map((s) => s.cpu!.usage), [990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
});

test('nothing recorded: an empty list, not an error', () => {
  const history = createHistory(600_000, every(2000));
  assert.equal(history.query(), { intervalMs: 2000, samples: [] });
  assert.equal(history.query({ topics: ['gpu'], since: T0 }), { intervalMs: 2000, samples: [] });
});

test('topics of one tick are joined into one row at the tick time, in contract order', () => {
  const history = createHistory(600_000, every(2000));
  // Collectors finish a few ms after the tick, in any order.
  history.record('memory', T0 + 7, fakeMemory(100));
  history.record('cpu', T0 + 3, fakeCpu(10));
  history.record('cpu', T0 + 2004, fakeCpu(11));
  history.record('memory', T0 + 2009, fakeMemory(110));
  const { intervalMs, samples } = history.query({ topics: ['memory', 'cpu'] });
  assert.is(intervalMs, 2000);
  assert.equal(samples, [
    { timestamp: '2026-01-01T00:00:00.000Z', cpu: fakeCpu(10), memory: fakeMemory(100) },
    { timestamp: '2026-01-01T00:00:02.000Z', cpu: fakeCpu(11), memory: fakeMemory(110) },
  ]);
  assert.equal(Object.keys(samples[0]!), ['timestamp', 'cpu', 'memory']);
});

test('since keeps only ticks after it; topics keep only those asked for', () => {
  const history = createHistory(600_000, every(1000));
  for (let i = 0; i < 5; i++) {
    history.record('cpu', T0 + i * 1000 + 1, fakeCpu(i));
    history.record('gpu', T0 + i * 1000 + 2, []);
  }
  const after = history.query({ topics: ['gpu'], since: T0 + 2000 });
  assert.equal(after.samples, [
    { timestamp: '2026-01-01T00:00:03.000Z', gpu: [] },
    { timestamp: '2026-01-01T00:00:04.000Z', gpu: [] },
  ]);
  assert.is(history.query({ since: T0 + 4000 }).samples.length, 0, 'since the newest tick: nothing new');
});

test('a topic without a reading in a tick is null there (a gap), never a made-up value', () => {
  const history = createHistory(600_000, every(1000));
  for (let i = 0; i < 4; i++) history.record('cpu', T0 + i * 1000, fakeCpu(i));
  history.record('gpu', T0, []);
  const rows = history.query({ topics: ['cpu', 'gpu'] }).samples;
  // A reading counts for its own tick and the next (a tool on its own clock may land just before a boundary).
  assert.equal(rows.map((r) => r.gpu), [[], [], null, null]);
});

test('a second reading within one tick replaces the first (a GPU tool on its own clock)', () => {
  const history = createHistory(600_000, every(1000));
  history.record('cpu', T0 + 10, fakeCpu(1));
  history.record('cpu', T0 + 990, fakeCpu(2));
  assert.is(history.size('cpu'), 1);
  assert.equal(history.query().samples.map((r) => r.cpu?.usage), [2]);
});

test('topics on different intervals are joined on the longest interval asked for', () => {
  const history = createHistory(600_000, { ...every(1000), processes: 2000 });
  for (let i = 0; i < 4; i++) history.record('cpu', T0 + i * 1000, fakeCpu(i));
  history.record('processes', T0, []);
  history.record('processes', T0 + 2000, []);
  const both = history.query({ topics: ['cpu', 'processes'] });
  assert.is(both.intervalMs, 2000);
  assert.equal(both.samples.map((r) => r.cpu!.usage), [1, 3], 'the newest CPU reading of each 2 s tick');
  assert.is(history.query({ topics: ['cpu'] }).samples.length, 4);
});

test.run();
