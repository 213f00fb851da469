import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_SELECTION,
  clampInterval,
  parseClientMessage,
  parseQuery,
  selectionKey,
  type ParseResult,
  type Selection,
} from '../../lib/ws/protocol.js';
import { TOPICS } from '../../lib/types.js';

const limits = { minIntervalMs: 500, maxIntervalMs: 60_000 };
const ok = (r: ParseResult): Selection => {
  if (!r.ok) assert.unreachable(`expected a selection, got error ${r.error}`);
  return (r as { selection: Selection }).selection;
};
const err = (r: ParseResult): string => {
  if (r.ok) assert.unreachable(`expected an error, got ${JSON.stringify(r.selection)}`);
  return (r as { error: string }).error;
};

test('no query means every topic at the collectors\' pace', () => {
  assert.equal(ok(parseQuery('', limits)), { topics: [...TOPICS], intervalMs: null });
  assert.equal(ok(parseQuery('?token=abc', limits)), DEFAULT_SELECTION);
});

test('query topics and interval, in contract order, duplicates dropped', () => {
  assert.equal(ok(parseQuery('?topics=gpu,cpu,gpu&interval=1000', limits)), { topics: ['cpu', 'gpu'], intervalMs: 1000 });
  assert.equal(ok(parseQuery(new URLSearchParams('topics=memory&topics=cpu'), limits)), { topics: ['cpu', 'memory'], intervalMs: null });
});

test('query interval is clamped; non-numbers and unknown topics are errors', () => {
  assert.is(ok(parseQuery('interval=10', limits)).intervalMs, 500);
  assert.is(ok(parseQuery('interval=999999', limits)).intervalMs, 60_000);
  assert.match(err(parseQuery('interval=fast', limits)), /interval must be a number/);
  assert.match(err(parseQuery('interval=-5', limits)), /interval must be a number/);
  assert.match(err(parseQuery('topics=cpu,fans', limits)), /unknown topic "fans"/);
  assert.match(err(parseQuery('topics=', limits)), /at least one topic/);
});

test('subscribe message selects topics and keeps the current interval', () => {
  const current: Selection = { topics: [...TOPICS], intervalMs: 2000 };
  assert.equal(ok(parseClientMessage('{"subscribe":["gpu","cpu"]}', current, limits)), { topics: ['cpu', 'gpu'], intervalMs: 2000 });
});

test('interval alone keeps the topics; null goes back to the collectors\' pace; values are clamped', () => {
  const current: Selection = { topics: ['cpu'], intervalMs: null };
  assert.equal(ok(parseClientMessage('{"interval": 1500}', current, limits)), { topics: ['cpu'], intervalMs: 1500 });
  assert.is(ok(parseClientMessage('{"interval": 1}', current, limits)).intervalMs, 500);
  assert.is(ok(parseClientMessage('{"interval": 1e9}', current, limits)).intervalMs, 60_000);
  assert.is(ok(parseClientMessage('{"interval": 1234.6}', current, limits)).intervalMs, 1235);
  assert.is(ok(parseClientMessage('{"interval": null}', { topics: ['cpu'], intervalMs: 900 }, limits)).intervalMs, null);
});

test('"all" goes back to every topic', () => {
  assert.equal(ok(parseClientMessage('{"subscribe":"all"}', { topics: ['cpu'], intervalMs: null }, limits)).topics, [...TOPICS]);
});

test('bad messages are one-line errors', () => {
  const cur = DEFAULT_SELECTION;
  assert.match(err(parseClientMessage('{nope', cur, limits)), /invalid JSON/);
  assert.match(err(parseClientMessage('[1,2]', cur, limits)), /JSON object/);
  assert.match(err(parseClientMessage('"cpu"', cur, limits)), /JSON object/);
  assert.match(err(parseClientMessage('null', cur, limits)), /JSON object/);
  assert.match(err(parseClientMessage('{}', cur, limits)), /needs "subscribe"/);
  assert.match(err(parseClientMessage('{"subscribe":["cpu","fans"]}', cur, limits)), /unknown topic "fans"; known topics: cpu, memory/);
  assert.match(err(parseClientMessage('{"subscribe":[]}', cur, limits)), /at least one topic/);
  assert.match(err(parseClientMessage('{"subscribe":"cpu"}', cur, limits)), /must be a list/);
  assert.match(err(parseClientMessage('{"subscribe":[1]}', cur, limits)), /must be a list/);
  assert.match(err(parseClientMessage('{"interval":"1000"}', cur, limits)), /"interval" must be a number/);
  assert.match(err(parseClientMessage('{"subscribe":["cpu"],"extra":1}', cur, limits)), /unknown field "extra"/);
});

test('errors never echo long client input', () => {
  const long = 'x'.repeat(3000);
  const e = err(parseClientMessage(JSON.stringify({ subscribe: [long] }), DEFAULT_SELECTION, limits));
  assert.ok(e.length < 200, `error is ${e.length} chars`);
});

test('history on connect: ?history=1 for all kept, ?history=<ISO time> for after it, absent or 0 for none', () => {
  const historyOf = (q: string) => {
    const r = parseQuery(q, limits);
    if (!r.ok) throw new Error(r.error);
    return r.history;
  };
  assert.is(historyOf('topics=cpu'), undefined);
  assert.is(historyOf('history=0'), undefined);
  assert.equal(historyOf('history=1'), {});
  assert.equal(historyOf('history=true&topics=gpu'), {});
  assert.equal(historyOf('history=2026-01-01T00:00:02Z'), { since: Date.parse('2026-01-01T00:00:02Z') });
  assert.match(err(parseQuery('history=later', limits)), /^history: since must be an ISO-8601 time with a zone/);
});

test('history by message: true or an ISO time, alone or with a subscription', () => {
  const cur = DEFAULT_SELECTION;
  const alone = parseClientMessage('{"history": true}', cur, limits);
  assert.equal(alone, { ok: true, selection: cur, history: {} });
  const both = parseClientMessage('{"subscribe": ["gpu"], "history": "2026-01-01T00:00:00.000Z"}', cur, limits);
  assert.equal(both, { ok: true, selection: { topics: ['gpu'], intervalMs: null }, history: { since: Date.parse('2026-01-01T00:00:00Z') } });
  assert.equal(parseClientMessage('{"interval": 1000, "history": false}', cur, limits), { ok: true, selection: { topics: cur.topics, intervalMs: 1000 } });
  assert.match(err(parseClientMessage('{"history": 1}', cur, limits)), /"history" must be true or an ISO time, got 1/);
  assert.match(err(parseClientMessage('{"history": "yesterday"}', cur, limits)), /history: since must be an ISO-8601 time/);
});

test('selection keys are equal for equal selections', () => {
  assert.is(selectionKey({ topics: ['cpu', 'gpu'], intervalMs: null }), selectionKey(ok(parseQuery('topics=gpu,cpu', limits))));
  assert.is.not(selectionKey({ topics: ['cpu'], intervalMs: 1000 }), selectionKey({ topics: ['cpu'], intervalMs: null }));
  assert.is(clampInterval(700, limits), 700);
});

test.run();
