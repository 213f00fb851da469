// Intel GPUs (i915, xe) through the real gpuCollector on the composed trees, and the sysfs pieces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpuCollector } from '../../../lib/collectors/gpu/index.js';
import { findIntelCards, powerFromEnergy, readIntelCard } from '../../../lib/collectors/gpu/intel-sysfs.js';
import { pciDeviceName } from '../../../lib/procfs/pci.js';
import { realCtx, samples } from '../../helpers/gpu-collector.js';
import { gpuTree } from '../../helpers/gpu-trees.js';

const KIB = 1024;
const ctxOf = (root: string) => realCtx({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), intervalMs: 200, primeMs: 100 });

test('Intel iGPU (i915): processes from the first reading, clock from gt_act_freq_mhz, no VRAM and no hwmon → nulls', async () => {
  const root = gpuTree('intel-igpu-browser-llama');
  const [first] = await samples(gpuCollector(ctxOf(root), { env: { PATH: '/nonexistent' } }), 1);
  assert.ok(first!.ok, first!.error);
  assert.match(first!.source!, /^i915 sysfs \+ fdinfo/);
  const g = first!.value[0]!;
  assert.equal([g.vendor, g.index, g.pciBusId, g.clockCore, g.powerState], ['intel', 0, '0000:00:02.0', 1300, 'active']);
  assert.match(g.name, /^(Intel GPU 0xa7a0|.*Raptor Lake.*)$/);
  assert.equal([g.memory.total, g.memory.used, g.memoryTotal, g.temperature, g.powerDraw, g.powerLimit, g.fanSpeed], [null, null, null, null, null, null, null]);
  assert.is(g.usage, 0, 'counters unchanged since the baseline: idle');
  assert.equal(g.processes, [
    { pid: 4300, name: 'llama-server', usedMemory: 4194304 * KIB, usage: 0 },
    { pid: 4200, name: 'chrome', usedMemory: 181248 * KIB, usage: 0 },
  ]);
});

test('Arc (xe): VRAM total from physical_vram_size_bytes, used = the clients\' resident vram0, act_freq, temp2, power1_max; power from energy deltas', async () => {
  const root = gpuTree('intel-arc-xe');
  const got = await samples(gpuCollector(ctxOf(root), { env: { PATH: '/nonexistent' } }), 1);
  const g = got[0]!.value[0]!;
  assert.match(got[0]!.source!, /^xe sysfs/);
  assert.equal([g.index, g.pciBusId, g.clockCore, g.temperature, g.powerLimit, g.powerState], [1, '0000:03:00.0', 2850, 47, 190, 'active']);
  assert.equal([g.memory.total, g.memory.used, g.memory.free], [12884901888, 23992 * KIB, 12884901888 - 23992 * KIB]);
  assert.is(g.powerDraw, 0, 'energy counter unchanged between baseline and first reading');
  assert.equal(g.processes, [{ pid: 5100, name: 'llama-server', usedMemory: 23992 * KIB, usage: 0 }]);
});

test('powerFromEnergy: µJ over the interval; a wrapped or missing counter gives null', () => {
  assert.is(powerFromEnergy(1_000_000, 31_000_000, 2000), 15);
  assert.is(powerFromEnergy(31_000_000, 1_000, 2000), null);
  assert.is(powerFromEnergy(undefined, 5, 2000), null);
});

test('a suspended Intel card: identity and VRAM size only, no clock or sensor read', () => {
  const root = gpuTree('intel-arc-xe');
  writeFileSync(join(root, 'sys/bus/pci/devices/0000:03:00.0/power/runtime_status'), 'suspended\n');
  const [card] = findIntelCards(join(root, 'sys'));
  const r = readIntelCard(card!);
  assert.equal([r.powerState, r.vramTotal, r.clockCore, r.temperature, r.energyMicroJoules], ['suspended', 12884901888, null, null, null]);
});

test('pciDeviceName reads the pci.ids layout (vendor at column 0, devices one tab in)', () => {
  // Lines in pci.ids' layout (composed for this spec, not a copy of the database).
  const ids = '# comment\n10de  NVIDIA Corporation\n\t1e81  TU104 [GeForce RTX 2080 SUPER]\n8086  Intel Corporation\n\t56a0  DG2 [Arc A770]\n\t\t1028 0001  subsystem\n\te20b  Battlemage G21 [Arc B580]\n8088  Beijing Wangxun\n';
  assert.is(pciDeviceName(ids, '0x8086', '0xE20B'), 'Battlemage G21 [Arc B580]');
  assert.is(pciDeviceName(ids, '8086', '1e81'), null, 'a device of another vendor');
  assert.is(pciDeviceName(ids, '10de', '1e81'), 'TU104 [GeForce RTX 2080 SUPER]');
});

test.run();
