import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { startHeartbeat, type HeartbeatTarget } from '../../lib/ws/heartbeat.js';
import { sleep } from '../helpers/wait.js';

class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  answers = true;
  ping() {
    this.pings++;
    if (this.answers) setImmediate(() => this.emit('pong'));
  }
  terminate() {
    this.terminated = true;
  }
}

const target = (socket: FakeSocket): HeartbeatTarget => ({ ws: socket as unknown as WebSocket, awaitingPong: false });

test('a client that answers pings is kept; one that does not is terminated at the next round', async () => {
  const alive = new FakeSocket();
  const dead = new FakeSocket();
  dead.answers = false;
  const targets = [target(alive), target(dead)];
  const missed: HeartbeatTarget[] = [];
  let rounds = 0;
  const hb = startHeartbeat({ intervalMs: 20, clients: () => targets, onMissed: (t) => missed.push(t), onRound: () => rounds++ });
  try {
    for (const t of targets) hb.watch(t);
    await sleep(110);
    assert.ok(alive.pings >= 3, `pinged every round: ${alive.pings}`);
    assert.not.ok(alive.terminated);
    assert.ok(dead.terminated, 'no pong by the next round');
    assert.is(missed[0], targets[1]);
    assert.ok(rounds >= 3, 'onRound runs every round (the stall check rides on it)');
  } finally {
    hb.stop();
  }
});

test('a ping that throws (socket already gone) terminates the client instead of crashing', async () => {
  const broken = new FakeSocket();
  broken.ping = () => {
    throw new Error('not open');
  };
  const t = target(broken);
  const hb = startHeartbeat({ intervalMs: 10, clients: () => [t] });
  try {
    hb.watch(t);
    await sleep(40);
    assert.ok(broken.terminated);
  } finally {
    hb.stop();
  }
});

test('stop() ends the rounds', async () => {
  const s = new FakeSocket();
  const hb = startHeartbeat({ intervalMs: 10, clients: () => [target(s)] });
  await sleep(35);
  hb.stop();
  const pings = s.pings;
  await sleep(40);
  assert.is(s.pings, pings);
});

test.run();
