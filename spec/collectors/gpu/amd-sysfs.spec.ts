import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { currentDpmClock, findAmdCards, readAmdSysfs } from '../../../lib/collectors/gpu/amd-sysfs.js';

// These trees are hand-made (see spec/fixtures/gpu/README.md, section F).
const RX6600 = fixture('sysfs/handmade-rx6600');
const APU = fixture('sysfs/handmade-apu-minimal');

test('only amdgpu cards are found: an Intel card and a connector directory are skipped', async () => {
  const cards = await findAmdCards(RX6600);
  assert.equal(cards.map((c) => c.card), ['card0']);
  assert.equal(await findAmdCards('/nonexistent'), []);
});

test('every reading in its unit: busy %, VRAM bytes, m°C → °C, µW → W, pwm → %, Hz → MHz', async () => {
  const [g] = await readAmdSysfs(RX6600);
  assert.equal([g!.name, g!.usage, g!.memoryTotal, g!.memoryUsed, g!.memoryFree, g!.memoryPercent],
    ['AMD GPU 0x73ff', 37, 8573157376, 211812352, 8573157376 - 211812352, 2.47]);
  assert.equal([g!.temperature, g!.powerDraw, g!.powerLimit, g!.fanSpeed, g!.clockCore, g!.clockMemory, g!.memoryUtilization],
    [36, 6, 100, 25.1, 2491, 875, 4]);
  assert.equal([g!.pciBusId, g!.index, g!.vendor], ['0000:0b:00.0', 0, 'amd']);
  assert.equal(g!.memory, { total: 8573157376, used: 211812352, free: 8573157376 - 211812352, usedPercent: 2.47 });
});

test('a product name from a tool (by PCI bus id) replaces the generic one', async () => {
  const [g] = await readAmdSysfs(RX6600, new Map([['0000:0b:00.0', 'Navi 23 [Radeon RX 6600/6600 XT/6600M]']]));
  assert.is(g!.name, 'Navi 23 [Radeon RX 6600/6600 XT/6600M]');
});

test('an APU with only the basics: missing files are null, never 0', async () => {
  const [g] = await readAmdSysfs(APU);
  assert.equal([g!.usage, g!.memoryTotal, g!.temperature, g!.powerDraw, g!.fanSpeed, g!.clockCore, g!.clockMemory, g!.index],
    [3, 536870912, 41, null, null, null, null, 1]);
});

test('pp_dpm clock: the starred level', () => {
  assert.is(currentDpmClock('0: 500Mhz\n1: 2491Mhz *\n'), 2491);
  assert.is(currentDpmClock('0: 500Mhz\n'), null);
});

test.run();
