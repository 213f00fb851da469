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
  /** Moves the clock to `ms`, lets the watch look, and says how often it has fired so far. */
  const firedBy = async (ms: number) => {
    t = ms;
    await sleep(LOOK);
    return fired;
  };
  return { idle, touchAt: (ms: number) => { t = ms; idle.touch(); }, firedBy };
}

test('fires once when nothing touched it for idleMs, and never again', async () => {
  const w = watch();
  assert.is(await w.firedBy(99), 0, 'not before idleMs');
  assert.is(await w.firedBy(100), 1);
  assert.is(await w.firedBy(1000), 1, 'once only');
  w.idle.stop();
});

test('touch() starts the idle time again', async () => {
  const w = watch();
  w.touchAt(90);
  assert.is(await w.firedBy(150), 0, '60 ms since the touch');
  assert.is(await w.firedBy(190), 1);
  w.idle.stop();
});

test('while isBusy() (a WebSocket client connected) it never fires; idle time counts from when it stopped being busy', async () => {
  let busy = true;
  const w = watch(() => busy);
  assert.is(await w.firedBy(500), 0);
  busy = false;
  assert.is(await w.firedBy(550), 0, 'only 50 ms since the last busy look');
  assert.is(await w.firedBy(700), 1);
  w.idle.stop();
});

test('stop() ends the watch: it never fires', async () => {
  const w = watch();
  w.idle.stop();
  assert.is(await w.firedBy(10_000), 0);
});

test.run();
