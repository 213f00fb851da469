import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket } from 'ws';
import { createFlow } from '../../lib/ws/backpressure.js';

/** The parts of a ws socket the flow reads, with a bufferedAmount the spec sets. */
function fakeSocket() {
  const sent: string[] = [];
  const callbacks: ((error?: Error) => void)[] = [];
  const socket = {
    readyState: WebSocket.OPEN as number,
    bufferedAmount: 0,
    terminated: false,
    send(data: Buffer | string, _opts?: unknown, cb?: (error?: Error) => void) {
      sent.push(String(data));
      if (cb) callbacks.push(cb);
    },
    terminate() {
      this.terminated = true;
      this.readyState = WebSocket.CLOSED;
    },
  };
  /** Completes the oldest pending write. */
  const drain = () => callbacks.shift()?.();
  return { socket, sent, drain, ws: socket as unknown as WebSocket };
}

const frame = (n: number) => Buffer.from(`{"n":${n}}`);

test('under the limit every frame is written at once', () => {
  const f = fakeSocket();
  const flow = createFlow(f.ws, { maxBufferedBytes: 100, stallTimeoutMs: 1000 });
  flow.offer(frame(1));
  flow.offer(frame(2));
  assert.equal(f.sent, ['{"n":1}', '{"n":2}']);
  assert.equal(flow.stats(), { sent: 2, skipped: 0 });
});

test('behind: only the newest frame is kept, older ones are skipped, and it goes out when a write completes', () => {
  const f = fakeSocket();
  const flow = createFlow(f.ws, { maxBufferedBytes: 100, stallTimeoutMs: 1000 });
  flow.offer(frame(1));
  f.socket.bufferedAmount = 500;
  flow.offer(frame(2));
  flow.offer(frame(3));
  flow.offer(frame(4));
  assert.equal(f.sent, ['{"n":1}'], 'nothing queued on the socket while behind');
  f.socket.bufferedAmount = 0;
  f.drain();
  assert.equal(f.sent, ['{"n":1}', '{"n":4}'], 'the newest, once');
  assert.equal(flow.stats(), { sent: 2, skipped: 2 });
});

test('a client over the limit past the stall timeout is terminated once; one that catches up is not', () => {
  let now = 0;
  let stalled = 0;
  const f = fakeSocket();
  const flow = createFlow(f.ws, { maxBufferedBytes: 100, stallTimeoutMs: 1000, now: () => now, onStalled: () => stalled++ });
  f.socket.bufferedAmount = 500;
  flow.offer(frame(1));
  now = 999;
  assert.not.ok(flow.checkStall());
  now = 1000;
  assert.ok(flow.checkStall());
  assert.ok(f.socket.terminated);
  assert.is(stalled, 1);
  assert.not.ok(flow.checkStall(), 'closed: nothing more to do');

  const g = fakeSocket();
  const caughtUp = createFlow(g.ws, { maxBufferedBytes: 100, stallTimeoutMs: 1000, now: () => now });
  g.socket.bufferedAmount = 500;
  caughtUp.offer(frame(1));
  g.socket.bufferedAmount = 0;
  now += 5000;
  assert.not.ok(caughtUp.checkStall());
  assert.not.ok(g.socket.terminated);
});

test('control messages go out only while the client keeps up, and never to a closed socket', () => {
  const f = fakeSocket();
  const flow = createFlow(f.ws, { maxBufferedBytes: 100, stallTimeoutMs: 1000 });
  assert.ok(flow.control('{"subscribed":["cpu"]}'));
  f.socket.bufferedAmount = 500;
  assert.not.ok(flow.control('{"error":"x"}'));
  f.socket.bufferedAmount = 0;
  f.socket.readyState = WebSocket.CLOSING;
  assert.not.ok(flow.control('{"error":"y"}'));
  flow.offer(frame(1));
  assert.equal(f.sent, ['{"subscribed":["cpu"]}']);
});

test.run();
