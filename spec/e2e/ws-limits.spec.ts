import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, isStats } from '../helpers/ws-client.js';
import { startService, type RunningService } from '../helpers/service.js';

// Issue 14: valid WebSocket messages are rate-limited per connection (default 20/s, bursts of 40):
// a client over the limit gets one error and close 1008; other clients keep their ticks.

let service: RunningService;
test.before(async () => {
  service = await startService(['--interval', '300ms', '--linger', '300ms']);
});
test.after(async () => {
  await service?.stop();
});

test('a client sending 1,000 valid messages in a second is closed with 1008; another keeps its ticks', async () => {
  const url = service.url.replace('http', 'ws') + '/ws/stats';
  const victim = await connect(`${url}?topics=cpu,memory`);
  const flooder = await connect(`${url}?topics=cpu`);
  await victim.waitFor(isStats, 1, 5000);
  const ticksBefore = victim.stats().length;

  const message = JSON.stringify({ subscribe: ['cpu', 'memory'], interval: 1000 });
  let sent = 0;
  for (let round = 0; round < 10 && !flooder.isClosed(); round++) {
    for (let i = 0; i < 100; i++, sent++) flooder.send(message);
    await new Promise((r) => setTimeout(r, 100));
  }
  const closed = await Promise.race([flooder.closed, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
  assert.ok(closed, 'the flooding client is closed');
  assert.is(closed!.code, 1008);
  assert.match(closed!.reason, /too many messages/);
  const errors = flooder.messages.filter((m) => m.json && 'error' in m.json);
  assert.is(errors.length, 1, 'one error saying why');
  assert.match(errors[0]!.json.error, /too many messages; at most 20 per second \(bursts of 40\)/);
  const acks = flooder.messages.filter((m) => m.json && 'subscribed' in m.json).length;
  assert.ok(acks <= 41, `at most the burst was served: ${acks} of ${sent}`);

  const tickWindow = victim.stats().length;
  await victim.waitFor(isStats, 3, 5000, victim.messages.length);
  assert.ok(victim.stats().length >= tickWindow + 3, `the other client keeps its ticks (${ticksBefore} -> ${victim.stats().length})`);
  assert.not.ok(victim.isClosed());
  const health = await (await fetch(`${service.url}/api/health`)).json() as { activeConnections: number };
  assert.is(health.activeConnections, 1);
  await victim.close();
});

test('a client within the limit (a message every 100 ms) is served and stays connected', async () => {
  const url = service.url.replace('http', 'ws') + '/ws/stats';
  const c = await connect(`${url}?topics=cpu`);
  for (let i = 0; i < 30; i++) {
    c.send(JSON.stringify({ subscribe: i % 2 ? ['cpu'] : ['memory'] }));
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 200));
  assert.not.ok(c.isClosed());
  assert.is(c.messages.filter((m) => m.json && 'subscribed' in m.json).length, 30);
  await c.close();
});

test.run();
