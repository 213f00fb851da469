// netstat -w, sysctl vm.swapusage and mount: the three smaller macOS parsers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseNetstatRow } from '../../../lib/platform/darwin/netstat.js';
import { parseSwapUsage } from '../../../lib/platform/darwin/swapusage.js';
import { parseMountTable, selectDarwinMounts } from '../../../lib/platform/darwin/mount.js';
import { isListedFilesystem } from '../../../lib/collectors/disk.js';
import { readDarwinFixture } from './fixtures.js';

const MIB = 1024 ** 2;

test('netstat -w 1 on macOS: header lines skipped, each row one interval', () => {
  const rows = readDarwinFixture('netstat/macos-w1.txt').split('\n').map(parseNetstatRow).filter(Boolean);
  assert.equal(rows, [
    { packetsIn: 36, bytesIn: 4522, packetsOut: 34, bytesOut: 4402 },
    { packetsIn: 50, bytesIn: 12499, packetsOut: 46, bytesOut: 7015 },
    { packetsIn: 34, bytesIn: 17824, packetsOut: 33, bytesOut: 7480 },
  ]);
  // FreeBSD's extra idrops column.
  assert.equal(parseNetstatRow('   1511778     0     0   91524540    1508774     0   54260514     0'), { packetsIn: 1511778, bytesIn: 91524540, packetsOut: 1508774, bytesOut: 54260514 });
  assert.throws(() => parseNetstatRow('  12 oops 3'), /unreadable/);
});

test('sysctl vm.swapusage: MiB with two decimals, with or without the name', () => {
  assert.equal(parseSwapUsage(readDarwinFixture('sysctl/vm.swapusage-2g.txt')), { total: 2048 * MIB, used: Math.round(1017.5 * MIB) });
  assert.equal(parseSwapUsage(readDarwinFixture('sysctl/vm.swapusage-48g-loaded.txt')), { total: 13312 * MIB, used: Math.round(11625.69 * MIB) });
  assert.equal(parseSwapUsage('total = 0.00M  used = 0.00M  free = 0.00M'), { total: 0, used: 0 });
  assert.throws(() => parseSwapUsage('sysctl: unknown oid'), /no total/);
});

test('mount (Sonoma, Intel): / and the data volume; the container\'s internal volumes, devfs and autofs left out', () => {
  const mounts = parseMountTable(readDarwinFixture('mount/sonoma-intel-apfs.txt'));
  assert.is(mounts.length, 7);
  const chosen = selectDarwinMounts(mounts, (t, m) => isListedFilesystem(t, m, false));
  assert.equal(chosen.map((m) => [m.source, m.mountpoint, m.fstype]), [['/dev/disk2s4s1', '/', 'apfs'], ['/dev/disk2s1', '/System/Volumes/Data', 'apfs']]);
});

test('mount (Catalina): /private/var/vm is swap, not a disk; spaces in mount points and sources', () => {
  const chosen = selectDarwinMounts(parseMountTable(readDarwinFixture('mount/catalina.txt')), (t, m) => isListedFilesystem(t, m, false));
  assert.equal(chosen.map((m) => m.mountpoint), ['/', '/System/Volumes/Data']);
  const [share, disk] = parseMountTable('//me@nas/My Share on /Volumes/My Share (smbfs, nodev, nosuid, mounted by me)\n/dev/disk5s1 on /Volumes/Live on Stage (2) (exfat, local)');
  assert.equal([share!.source, share!.mountpoint, share!.fstype], ['//me@nas/My Share', '/Volumes/My Share', 'smbfs']);
  assert.is(disk!.mountpoint, '/Volumes/Live on Stage (2)');
  assert.is(selectDarwinMounts([share!], (t, m) => isListedFilesystem(t, m, false)).length, 0);
});

test.run();
