import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncScheduler, firstValueFrom } from 'rxjs';
import { mayHaveGpu } from '../../lib/procfs/pci.js';
import { fallbackGpu } from '../../lib/collectors/gpu/fallback.js';
import { linuxContext, writeFixture } from '../helpers/proc-trees.js';

/** A sysfs with the PCI devices of a VM like the CI machine: storage, network, host bridge; no display. */
function headlessVm(): string {
  const root = mkdtempSync(join(tmpdir(), 'pci-'));
  writeFixture(root, 'sys/bus/pci/devices/0000:00:00.0/class', '0x060000\n');
  writeFixture(root, 'sys/bus/pci/devices/0000:00:03.0/class', '0x020000\n');
  writeFixture(root, 'sys/bus/pci/devices/0000:00:04.0/class', '0x018000\n');
  writeFixture(root, 'proc/meminfo', 'MemTotal: 1 kB\n');
  return root;
}

test('a VM with no display controller on PCI has no GPU to find', () => {
  const root = headlessVm();
  assert.is(mayHaveGpu(join(root, 'sys'), join(root, 'proc')), false);
});

test('a VGA or 3D controller (class 0x03xxxx) may be a GPU', () => {
  const root = headlessVm();
  writeFixture(root, 'sys/bus/pci/devices/0000:01:00.0/class', '0x030200\n');
  assert.is(mayHaveGpu(join(root, 'sys'), join(root, 'proc')), true);
});

test('a device tree (SoC GPU, not on PCI) may have one; no PCI bus in sysfs: cannot tell', () => {
  const root = headlessVm();
  writeFixture(root, 'proc/device-tree/model', 'Raspberry Pi 4 Model B\0');
  assert.is(mayHaveGpu(join(root, 'sys'), join(root, 'proc')), true);
  const bare = mkdtempSync(join(tmpdir(), 'pci-'));
  assert.is(mayHaveGpu(join(bare, 'sys'), join(bare, 'proc')), undefined);
});

test('the GPU fallback answers [] at once, ok, without running graphics() where sysfs shows no display controller', async () => {
  const root = headlessVm();
  const sample = await firstValueFrom(fallbackGpu(linuxContext(root, asyncScheduler)));
  assert.equal(sample.value, []);
  assert.is(sample.ok, true);
  assert.is(sample.source, 'sysfs (no display controller)');
});

test.run();
