import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { asyncScheduler, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { diskCollector, diskStats, isListedFilesystem, selectMounts, type StatFsSizes } from '../../lib/collectors/disk.js';
import { parseMountinfo } from '../../lib/procfs/mountinfo.js';
import { DEBIAN, HANDMADE, fixture, linuxContext } from '../helpers/proc-trees.js';

const handmadeMounts = () => parseMountinfo(fixture(HANDMADE, 'proc/self/mountinfo'));

test('only real filesystems, one per device: no pseudo, snap, Docker layer, network or FUSE mounts', () => {
  const mounts = selectMounts(handmadeMounts(), false);
  assert.equal(mounts.map((m) => `${m.mountpoint} ${m.fstype}`), [
    '/ ext4',
    '/boot/efi vfat',
    '/home ext4', // /srv/models is a bind mount of a directory of the same filesystem
    '/media/user/My Passport fuseblk', // FUSE over a local disk (NTFS) is a disk
  ]);
});

test('includeNetworkFs adds nfs, sshfs and cifs mounts', () => {
  const mounts = selectMounts(handmadeMounts(), true).map((m) => m.mountpoint);
  assert.ok(mounts.includes('/mnt/nas'));
  assert.ok(mounts.includes('/mnt/remote'));
  assert.ok(mounts.includes('/mnt/share'));
  assert.not.ok(mounts.includes('/snap/core22/1033'));
});

test('overlay is a disk only as a container\'s root', () => {
  assert.ok(isListedFilesystem('overlay', '/', false));
  assert.not.ok(isListedFilesystem('overlay', '/var/lib/docker/overlay2/abc/merged', false));
});

test('the captured VM lists its root ext4 only, sized by a real statfs', async () => {
  const sample = await firstValueFrom(diskCollector(linuxContext(DEBIAN, asyncScheduler), {}));
  assert.is(sample.ok, true);
  assert.is(sample.value.disks.length, 1);
  const [root] = sample.value.disks;
  assert.is(root!.device, '/dev/vda');
  assert.is(root!.mountpoint, '/');
  assert.is(root!.fstype, 'ext4');
  assert.ok(root!.total > 0 && root!.used + root!.free <= root!.total);
});

test('sizes as df counts them: used from bfree, free and % from bavail', () => {
  const sizes: StatFsSizes = { bsize: 4096, blocks: 1000, bfree: 300, bavail: 250 };
  assert.equal(diskStats({ source: '/dev/sda1', mountpoint: '/', fstype: 'ext4' }, sizes), {
    device: '/dev/sda1',
    mountpoint: '/',
    fstype: 'ext4',
    total: 4_096_000,
    free: 250 * 4096,
    used: 700 * 4096,
    usedPercent: 73.68, // (700 / 950) × 100, to two decimals
  });
});

test('a hung network mount is left out after its own timeout, does not hold the others, and is not asked again while hung', async () => {
  const calls = new Map<string, number>();
  const statfs = (path: string): Promise<StatFsSizes> => {
    calls.set(path, (calls.get(path) ?? 0) + 1);
    if (path === '/mnt/nas') return new Promise(() => {}); // a server that never answers
    return Promise.resolve({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40 });
  };
  const ctx = linuxContext(HANDMADE, asyncScheduler, { intervalMs: 60, timeoutMs: 1000, primeMs: 0 });
  const samples = await lastValueFrom(
    diskCollector(ctx, { includeNetworkFs: true, statfsTimeoutMs: 20, statfs }).pipe(take(3), toArray()),
  );
  for (const sample of samples) {
    assert.is(sample.ok, true);
    assert.ok(sample.value.disks.some((d) => d.mountpoint === '/mnt/share'));
    assert.not.ok(sample.value.disks.some((d) => d.mountpoint === '/mnt/nas'));
  }
  assert.is(calls.get('/mnt/nas'), 1);
  assert.is(calls.get('/mnt/share'), 3);
});

test('a filesystem reporting 0 blocks is hidden, as df does', async () => {
  const statfs = async (): Promise<StatFsSizes> => ({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0 });
  const sample = await firstValueFrom(diskCollector(linuxContext(HANDMADE, asyncScheduler), { statfs }));
  assert.equal(sample.value.disks, []);
});

test.run();
