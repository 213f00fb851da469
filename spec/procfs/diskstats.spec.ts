import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parseDiskstats, SECTOR_BYTES } from '../../lib/procfs/diskstats.js';
import { FIXTURES, fixture } from '../helpers/proc-trees.js';

const capture = (name: string) => fixture(join(FIXTURES, 'disk-io', 'diskstats'), name);
const byName = (text: string) => new Map(parseDiskstats(text).devices.map((d) => [d.name, d]));

test('before 4.18 (14 columns, node_exporter capture): partitions, dm-N and mmcblk each have their own line', () => {
  const { devices, skipped } = parseDiskstats(capture('linux-3.x-node-exporter'));
  assert.equal(skipped, []);
  assert.is(devices.length, 38);
  const d = byName(capture('linux-3.x-node-exporter'));
  assert.equal(d.get('sda'), {
    major: 8, minor: 0, devNum: '8:0', name: 'sda',
    reads: 25354637, readBytes: 1003346126 * 512, writes: 28444756, writtenBytes: 505697032 * 512, busyMs: 9653880,
  });
  assert.is(d.get('dm-0')!.devNum, '252:0');
  assert.is(d.get('mmcblk0p2')!.readBytes, 760 * 512);
});

test('4.18–5.4 (18 columns: discard fields appended, jc capture): the same first 14 columns', () => {
  const d = byName(capture('linux-4.18-jc'));
  assert.is(d.size, 15);
  assert.equal(d.get('sda3'), {
    major: 8, minor: 3, devNum: '8:3', name: 'sda3',
    reads: 6983, readBytes: 876106 * 512, writes: 18722, writtenBytes: 715168 * 512, busyMs: 18276,
  });
  // LVM on sda3: dm-0 repeats its partition's writes.
  assert.is(d.get('dm-0')!.writtenBytes, d.get('sda3')!.writtenBytes);
});

test('5.5 and later (20 columns: flush fields appended): the kernel documentation NVMe example and a 6.18 VM', () => {
  const nvme = byName(capture('linux-5.5-kernel-doc-nvme'));
  assert.equal([...nvme.keys()], ['nvme0n1', 'nvme0n1p1', 'nvme0n1p2']);
  assert.is(nvme.get('nvme0n1')!.writtenBytes, 36123024 * 512);
  assert.is(nvme.get('nvme0n1')!.busyMs, 301795);
  const vm = byName(capture('linux-6.18-vm'));
  assert.ok(vm.has('vda') && vm.has('zram0') && vm.has('loop7'));
  assert.is(vm.get('vda')!.devNum, '254:0');
});

test('sectors are 512 bytes whatever the device block size', () => {
  assert.is(SECTOR_BYTES, 512);
  // This VM's zram0 has a 4096-byte logical block size; its counters are still in 512-byte sectors.
  const [one] = parseDiskstats(' 253       0 zram0 7 0 56 0 1 0 8 0 0 0 0 0 0 0 0 0 0').devices;
  assert.is(one!.readBytes, 56 * 512);
});

test('a line cut short (a real abridged capture) is skipped with why; the other lines are read', () => {
  const { devices, skipped } = parseDiskstats(capture('md-raid1-lvm-abridged'));
  assert.equal(skipped, ['/proc/diskstats: dm-1: 12 columns, at least 14 needed']);
  assert.ok(devices.some((d) => d.name === 'md0'));
  assert.not.ok(devices.some((d) => d.name === 'dm-1'));
});

test('garbage in a counter skips that line, never reads it as 0', () => {
  const { devices, skipped } = parseDiskstats('   8       0 sda 1 0 x 0 1 0 8 0 0 0 0\n   8       1 sda1 1 0 2 0 1 0 8 0 0 3 0\n');
  assert.equal(devices.map((d) => d.name), ['sda1']);
  assert.match(skipped[0]!, /sda: column 6 is not a counter/);
});

test('columns a future kernel appends are ignored, not a reason to skip', () => {
  const [one] = parseDiskstats('   8       0 sda 1 0 2 0 3 0 4 0 0 5 0 0 0 0 0 0 0 9 9 9').devices;
  assert.equal([one!.reads, one!.readBytes, one!.writes, one!.writtenBytes, one!.busyMs], [1, 1024, 3, 2048, 5]);
});

test.run();
