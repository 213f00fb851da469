import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMessageBudget } from '../../lib/ws/message-budget.js';

const options = { messagesPerSecond: 20, messageBurst: 40, maxBadMessages: 5, badMessageWindowMs: 60_000 };

test('a burst is admitted at once, then messages at the sustained rate', () => {
  let now = 0;
  const budget = createMessageBudget(options, () => now);
  for (let i = 0; i < 40; i++) assert.ok(budget.admit(), `message ${i + 1} of the burst`);
  assert.not.ok(budget.admit(), 'the 41st at once is over the limit');
  now += 50; // 20/s: one message earned every 50 ms
  assert.ok(budget.admit());
  assert.not.ok(budget.admit());
});

test('1,000 messages within one second: only the burst plus what the second earns get through', () => {
  let now = 0;
  const budget = createMessageBudget(options, () => now);
  let admitted = 0;
  for (let i = 0; i < 1000; i++) {
    now = i; // one per millisecond
    if (budget.admit()) admitted++;
  }
  assert.ok(admitted <= 40 + 20, `admitted ${admitted}`);
  assert.ok(admitted >= 40);
});

test('invalid messages: maxBadMessages within the window are tolerated, one more is not; old ones expire', () => {
  let now = 0;
  const budget = createMessageBudget(options, () => now);
  for (let i = 0; i < 5; i++) assert.ok(budget.recordBad());
  assert.not.ok(budget.recordBad());
  now += 60_000;
  assert.ok(budget.recordBad(), 'the window slid past the old ones');
});

test.run();
