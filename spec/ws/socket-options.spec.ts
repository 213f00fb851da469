import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WS_DEFAULTS } from '../../lib/defaults.js';
import { OptionError } from '../../lib/option-check.js';
import { resolveSocketOptions } from '../../lib/ws/socket-options.js';

test('defaults come from the one table (64 clients, 4 KiB messages, 20 messages/s, bursts of 40)', () => {
  const o = resolveSocketOptions();
  assert.is(o.maxClients, 64);
  assert.is(o.maxClients, WS_DEFAULTS.maxClients);
  assert.is(o.maxPayloadBytes, 4096);
  assert.is(o.hardMaxPayloadBytes, 64 * 1024);
  assert.is(o.messagesPerSecond, 20);
  assert.is(o.messageBurst, 40);
  assert.equal(o.limits, { minIntervalMs: 500, maxIntervalMs: 60_000 });
});

test('the hard payload limit is never below the soft one', () => {
  assert.is(resolveSocketOptions({ maxPayloadBytes: 128 * 1024 }).hardMaxPayloadBytes, 128 * 1024);
});

test('bad values are OptionErrors naming webSocket.<option>', () => {
  const cases: [Parameters<typeof resolveSocketOptions>[0], RegExp][] = [
    [{ maxClients: 0 }, /^webSocket\.maxClients must be a whole number from 1 to 100000, got 0$/],
    [{ messagesPerSecond: -1 }, /^webSocket\.messagesPerSecond must be a number above 0/],
    [{ messageBurst: 0.5 }, /^webSocket\.messageBurst must be a whole number/],
    [{ heartbeatMs: Number.NaN }, /^webSocket\.heartbeatMs must be a number of milliseconds/],
    [{ minIntervalMs: 5000, maxIntervalMs: 1000 }, /minIntervalMs \(5000\) must not exceed webSocket\.maxIntervalMs \(1000\)/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => resolveSocketOptions(input), (e: Error) => e instanceof OptionError && message.test(e.message), JSON.stringify(input));
  }
});

test.run();
