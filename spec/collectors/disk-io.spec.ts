import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { asyncScheduler, firstValueFrom } from 'rxjs';
import { ioRates, snapshotOf, NO_DISK_IO_TOTALS, type DiskIoReading, type MountRef } from '../../lib/collectors/disk-io.js';
import { procfsDiskIoSource } from '../../lib/collectors/disk-io-procfs.js';
import { diskCollector, DISK_PLACEHOLDER, selectMounts } from '../../lib/collectors/disk.js';
import { createMonitor } from '../../lib/monitor.js';
import { parseMountinfo } from '../../lib/procfs/mountinfo.js';
import { FIXTURES, fixture, linuxContext, writeFixture } from '../helpers/proc-trees.js';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';

const TREES = join(FIXTURES, 'disk-io');
const tree = (name: string) => join(TREES, name);
const mountsOf = (name: string): MountRef[] => selectMounts(parseMountinfo(fixture(tree(name), 'proc/self/mountinfo')), false);
const read = (name: string, mounts = mountsOf(name)) =>
  procfsDiskIoSource(join(tree(name), 'proc'), join(tree(name), 'sys')).read(mounts) as DiskIoReading;
const S = 512;

test('a 6.18 VM (captured): / is vda; the machine-wide line is vda alone, not loop or zram', () => {
  const io = read('vm-6.18');
  assert.equal(io.mounts.get('/'), { key: '254:0', readBytes: 1813186 * S, writtenBytes: 2977248 * S, reads: 38546, writes: 7721, busyMs: 4760 });
  assert.equal(io.machine, { readBytes: 1813186 * S, writtenBytes: 2977248 * S, reads: 38546, writes: 7721, busyMs: 4760 });
  assert.equal(io.skipped, []);
});

test('NVMe: a partition reports its own line; the machine-wide line counts the namespace once, not its partitions again', () => {
  const io = read('nvme-5.5');
  assert.is(io.mounts.get('/')!.key, '259:2');
  assert.is(io.mounts.get('/')!.writtenBytes, 36014736 * S);
  assert.is(io.mounts.get('/boot/efi')!.key, '259:1');
  assert.is(io.machine!.writtenBytes, 36123024 * S);
});

test('LUKS under btrfs: the anonymous 0:N device is found through /sys/fs/btrfs and the dm name; subvolumes and bind mounts share it', () => {
  const all = parseMountinfo(fixture(tree('luks-btrfs-4.18'), 'proc/self/mountinfo'));
  const io = read('luks-btrfs-4.18', all);
  const root = io.mounts.get('/')!;
  assert.is(root.key, '253:0'); // dm-0, the LUKS mapping btrfs sits on
  assert.is(root.writtenBytes, 715168 * S);
  assert.equal(io.mounts.get('/home'), root);
  assert.equal(io.mounts.get('/srv/models'), root);
  assert.is(io.mounts.get('/boot')!.key, '8:2');
  assert.not.ok(io.mounts.has('/tmp'), 'tmpfs has no block device: null I/O');
  // sda and the optical drive; not sda3 again, not dm-0 on top of it, not loop devices.
  assert.is(io.machine!.readBytes, (892828 + 20923) * S);
  assert.is(io.machine!.writtenBytes, 715384 * S);
  assert.equal(io.skipped, []);
});

test('md RAID1 with LVM on top (captured counters): md0 and dm-N report for their mounts; the machine-wide line is the two member disks', () => {
  const io = read('md-raid1-lvm');
  assert.is(io.mounts.get('/')!.key, '252:0');
  assert.is(io.mounts.get('/boot')!.key, '9:0');
  assert.is(io.mounts.get('/boot')!.writtenBytes, 3261302936 * S);
  // Mirrored writes land on both members: the physical line counts both, which is what the disks did.
  assert.is(io.machine!.writtenBytes, (3706879688 + 3700227680) * S);
  // dm-1's line is cut short in the capture: /var gets no figures, and health says why.
  assert.not.ok(io.mounts.has('/var'));
  assert.equal(io.skipped, [
    '/proc/diskstats: dm-1: 12 columns, at least 14 needed',
    '/var: device 252:1 is not in /proc/diskstats',
  ]);
});

test('a btrfs whose device is in no /sys/fs/btrfs entry is skipped with why, not given made-up figures', () => {
  const io = read('vm-6.18', [{ device: '0:99', mountpoint: '/data', source: '/dev/sdz1', fstype: 'btrfs' }]);
  assert.not.ok(io.mounts.has('/data'));
  assert.match(io.skipped.join('\n'), /\/data: btrfs on \/dev\/sdz1: no member device found/);
});

test('sysfs is read again only when the device list or the btrfs mounts change; per tick only /proc/diskstats', () => {
  const root = mkdtempSync(join(tmpdir(), 'widgets-diskio-sys-'));
  const proc = join(root, 'proc');
  const sys = join(root, 'sys');
  const capture = fixture(tree('vm-6.18'), 'proc/diskstats');
  writeFixture(proc, 'diskstats', capture);
  mkdirSync(join(sys, 'devices', 'pci0000:00', 'vda'), { recursive: true });
  mkdirSync(join(sys, 'block'), { recursive: true });
  symlinkSync('../devices/pci0000:00/vda', join(sys, 'block', 'vda'));
  const source = procfsDiskIoSource(proc, sys);
  const vda = 2977248 * S;
  const mounts: MountRef[] = [{ device: '254:0', mountpoint: '/', source: '/dev/vda', fstype: 'ext4' }];
  assert.is((source.read(mounts) as DiskIoReading).machine!.writtenBytes, vda);
  // sysfs gone: the next ticks do not notice, they read /proc/diskstats only.
  rmSync(join(sys, 'block'), { recursive: true });
  assert.is((source.read(mounts) as DiskIoReading).machine!.writtenBytes, vda);
  // A disk plugged in: the device list changed, so /sys/block is read again (now unreadable: said so).
  writeFixture(proc, 'diskstats', `${capture}   8       0 sda 1 0 8 0 1 0 8 0 0 1 1\n`);
  const replugged = source.read(mounts) as DiskIoReading;
  assert.is(replugged.machine, null);
  assert.match(replugged.skipped.join('\n'), /\/sys\/block cannot be read/);
  rmSync(root, { recursive: true, force: true });
});

test('a multi-device btrfs reports the member its mount names, not the sum of its members', () => {
  const root = mkdtempSync(join(tmpdir(), 'widgets-diskio-btrfs-'));
  writeFixture(join(root, 'proc'), 'diskstats', [
    '   8      16 sdb 100 0 800 0 10 0 80 0 0 5 5 0 0 0 0 0 0',
    '   8      32 sdc 200 0 1600 0 20 0 160 0 0 5 5 0 0 0 0 0 0',
  ].join('\n'));
  for (const member of ['sdb', 'sdc']) mkdirSync(join(root, 'sys', 'fs', 'btrfs', 'f00d', 'devices', member), { recursive: true });
  const io = procfsDiskIoSource(join(root, 'proc'), join(root, 'sys'))
    .read([{ device: '0:44', mountpoint: '/data', source: '/dev/sdc', fstype: 'btrfs' }]) as DiskIoReading;
  assert.is(io.mounts.get('/data')!.key, '8:32');
  assert.is(io.mounts.get('/data')!.readBytes, 1600 * S);
  rmSync(root, { recursive: true, force: true });
});

const counters = (readBytes: number, writtenBytes: number, reads: number, writes: number, busyMs: number) =>
  ({ readBytes, writtenBytes, reads, writes, busyMs });
const reading = (mounts: [string, ReturnType<typeof counters> & { key: string }][], machine = mounts[0]?.[1] ?? null): DiskIoReading =>
  ({ mounts: new Map(mounts), machine, skipped: [] });

test('rates: null on the first reading (counters as they are), then per second over the interval', () => {
  const first = reading([['/', { key: '8:1', ...counters(1000, 2000, 10, 20, 100) }]]);
  const r1 = ioRates(first, undefined, 10_000);
  assert.equal(r1.perMount.get('/'), {
    readBytesPerSec: null, writeBytesPerSec: null, readsPerSec: null, writesPerSec: null, busyPercent: null, readBytes: 1000, writtenBytes: 2000, reads: 10, writes: 20, ioTime: 0.1,
  });
  assert.equal(r1.totals, { readBytesPerSec: null, writeBytesPerSec: null, readBytes: 1000, writtenBytes: 2000 });
  const second = reading([['/', { key: '8:1', ...counters(1000 + 4096, 2000 + 2 * 1048576, 12, 30, 100 + 500) }]]);
  const r2 = ioRates(second, snapshotOf(first, 10_000), 12_000);
  assert.equal(r2.perMount.get('/'), {
    readBytesPerSec: 2048, writeBytesPerSec: 1048576, readsPerSec: 1, writesPerSec: 5, busyPercent: 25, readBytes: 5096, writtenBytes: 2000 + 2 * 1048576, reads: 12, writes: 30, ioTime: 0.6,
  });
  assert.equal(r2.totals.writeBytesPerSec, 1048576);
});

test('rates: a counter that went backwards (device re-created) gives null, and a device that changed under a mountpoint starts over', () => {
  const before = reading([['/', { key: '8:1', ...counters(5000, 5000, 5, 5, 50) }]]);
  const wrapped = reading([['/', { key: '8:1', ...counters(100, 6000, 1, 6, 60) }]]);
  const r = ioRates(wrapped, snapshotOf(before, 0), 1000).perMount.get('/')!;
  assert.is(r.readBytesPerSec, null);
  assert.is(r.readsPerSec, null);
  assert.is(r.writeBytesPerSec, 1000);
  const remounted = reading([['/', { key: '8:17', ...counters(9000, 9000, 9, 9, 90) }]]);
  assert.is(ioRates(remounted, snapshotOf(before, 0), 1000).perMount.get('/')!.readBytesPerSec, null);
});

test('a source with only machine-wide totals (macOS top): per-disk fields null, the machine-wide line filled', () => {
  const a: DiskIoReading = { mounts: new Map(), machine: counters(1e6, 2e6, 0, 0, 0), skipped: [] };
  const b: DiskIoReading = { mounts: new Map(), machine: { readBytes: 1e6 + 5e5, writtenBytes: 2e6, reads: null, writes: null, busyMs: null }, skipped: [] };
  const r = ioRates(b, snapshotOf(a, 0), 500);
  assert.equal(r.perMount.size, 0);
  assert.equal(r.totals, { readBytesPerSec: 1e6, writeBytesPerSec: 0, readBytes: 1.5e6, writtenBytes: 2e6 });
  assert.equal(ioRates({ mounts: new Map(), machine: null, skipped: [] }, undefined, 0).totals, NO_DISK_IO_TOTALS);
});

test('the collector: the first reading after the prime already carries real rates (0 on a still capture, not null)', async () => {
  const statfs = async () => ({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40 });
  const sample = await firstValueFrom(diskCollector(linuxContext(tree('vm-6.18'), asyncScheduler, { primeMs: 20 }), { statfs }));
  assert.is(sample.ok, true);
  const root = sample.value.disks.find((d) => d.mountpoint === '/')!;
  assert.equal([root.readBytesPerSec, root.writeBytesPerSec, root.readsPerSec, root.writesPerSec, root.busyPercent], [0, 0, 0, 0, 0]);
  assert.is(root.writtenBytes, 2977248 * S);
  assert.equal(sample.value.io, { readBytesPerSec: 0, writeBytesPerSec: 0, readBytes: 1813186 * S, writtenBytes: 2977248 * S });
});

test('the collector: a vanished /proc/diskstats leaves the sizes, nulls the I/O and says why in the sample', async () => {
  const procRoot = mkdtempSync(join(tmpdir(), 'widgets-diskio-'));
  writeFixture(procRoot, 'self/mountinfo', fixture(tree('vm-6.18'), 'proc/self/mountinfo'));
  const statfs = async () => ({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40 });
  const ctx = linuxContext(tree('vm-6.18'), asyncScheduler, { primeMs: 10, procRoot });
  const sample = await firstValueFrom(diskCollector(ctx, { statfs }));
  assert.is(sample.ok, true);
  assert.is(sample.value.disks[0]!.total, 409600);
  assert.is(sample.value.disks[0]!.writeBytesPerSec, null);
  assert.is(sample.value.io.readBytes, null);
  assert.match(sample.skipped!.join('\n'), /disk I\/O: .*diskstats/);
});

test('through the monitor: diskIO beside disk in the stats object and in history, and what was skipped in health', async () => {
  const statfs = async () => ({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40 });
  const monitor = createMonitor({
    primeMs: 10, lingerMs: 0, procRoot: join(tree('md-raid1-lvm'), 'proc'), sysRoot: join(tree('md-raid1-lvm'), 'sys'), platform: 'linux',
    collectors: { disk: { create: (ctx) => diskCollector(ctx, { statfs }), placeholder: DISK_PLACEHOLDER } },
  });
  try {
    const stats = await monitor.snapshot();
    assert.is(stats.diskIO.writtenBytes, (3706879688 + 3700227680) * S);
    assert.is(stats.diskIO.writeBytesPerSec, 0, 'a real rate over the prime: nothing moved in a still capture');
    assert.equal(stats.disk.map((d) => [d.mountpoint, d.writtenBytes]), [['/', 534246264 * S], ['/boot', 3261302936 * S], ['/var', null]]);
    assert.equal(monitor.health().disk.skipped, [
      '/proc/diskstats: dm-1: 12 columns, at least 14 needed',
      '/var: device 252:1 is not in /proc/diskstats',
    ]);
    const row = monitor.history({ topics: ['disk'] }).samples.at(-1)!;
    assert.equal(Object.keys(row), ['timestamp', 'disk', 'diskIO']);
    assert.equal(row.diskIO, stats.diskIO);
  } finally {
    monitor.close();
  }
});

test.run();
