// watchIdle with a hand-moved clock (`now`); the real interval only decides when it looks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { watchIdle } from '../../lib/lifecycle/idle-watch.js';
import { sleep } from '../helpers/wait.js';

const LOOK = 80; // more than one check interval (50 ms for idleMs 100)

function watch(busy = () => false) {
  let t = 0;
  let fired = 0;
  const idle = watchIdle({ idleMs: 100, isBusy: busy, onIdle: () => fired++, now: () => t });
  return { idle, at: (ms: number) => { t = ms; }, fired: () => fired };
}

test('fires once when nothing touched it for idleMs, and never again', async () => {
  const w = watch();
  w.at(99);
  await sleep(LOOK);
  assert.is(w.fired(), 0, 'not before idleMs');
  w.at(100);
  await sleep(LOOK);
  assert.is(w.fired(), 1);
  w.at(1000);
  await sleep(LOOK);
  assert.is(w.fired(), 1, 'once only');
  w.idle.stop();
});

test('touch() starts the idle time again', async () => {
  const w = watch();
  w.at(90);
  w.idle.touch();
  w.at(150);
  await sleep(LOOK);
  assert.is(w.fired(), 0, '60 ms since the touch');
  w.at(190);
  await sleep(LOOK);
  assert.is(w.fired(), 1);
  w.idle.stop();
});

test('while isBusy() (a WebSocket client connected) it never fires; idle time counts from when it stopped being busy', async () => {
  let busy = true;
  const w = watch(() => busy);
  w.at(500);
  await sleep(LOOK);
  assert.is(w.fired(), 0);
  busy = false;
  w.at(550);
  await sleep(LOOK);
  assert.is(w.fired(), 0, 'only 50 ms since the last busy look');
  w.at(700);
  await sleep(LOOK);
  assert.is(w.fired(), 1);
  w.idle.stop();
});

test('stop() ends the watch: it never fires', async () => {
  const w = watch();
  w.idle.stop();
  w.at(10_000);
  await sleep(LOOK);
  assert.is(w.fired(), 0);
});

test.run();
