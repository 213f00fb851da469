// The agent's answers mapped to our payloads, on the capture derived from real Windows outputs
// (spec/fixtures/win32/README.md says where each came from and what was filled in).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/service.js';
import {
  diskBusyPercent,
  diskIoCountersFromAgent,
  diskIoReadingFromAgent,
  gpusFromAgent,
  driveFstype,
  driveStats,
  drivesFromAgent,
  networkCountersFromAgent,
  physicalCoresFromAgent,
  processCpuPercent,
  processesFromAgent,
  processStatsFromAgent,
  selectDrives,
  swapFromAgent,
} from '../../../lib/platform/win32/mapping.js';
import { win32MemoryStats } from '../../../lib/platform/win32/samplers.js';
import { ioRates, snapshotOf } from '../../../lib/collectors/disk-io.js';
// @ts-expect-error: a plain .mjs script without types
import { buildCapture } from '../../stand-ins/captures/derive-powershell-capture.mjs';

const CAPTURE_FILE = join(ROOT, 'spec', 'stand-ins', 'captures', 'powershell-exe.json');
const capture = JSON.parse(readFileSync(CAPTURE_FILE, 'utf8'));
const answer = (op: string) => capture.answers[op][0];

test('the committed capture is what derive-powershell-capture.mjs makes from the real outputs (not edited by hand)', () => {
  assert.equal(capture, buildCapture());
});

test('processes (real Get-Process of a Windows 11 machine): pid, name, working set; those it may not open are absent', () => {
  const list = processesFromAgent(answer('processes'));
  assert.is(list.length, 48, '65 rows, 17 without CPU time (services the user may not open, Idle)');
  assert.equal(list.find((p) => p.pid === 1312), { pid: 1312, name: 'explorer', cpuMs: 96090, workingSet: 394268 * 1024, startedMs: 0 });
  assert.not.ok(list.some((p) => p.name === 'Idle' || p.name === 'csrss' || p.name === 'ArcControlService'), 'System-owned processes are skipped');
});

test('process CPU % over an interval, like top: 100 = one core; a reused pid is a new process', () => {
  const before = processesFromAgent(answer('processes'));
  // A second reading 2 s later, composed here: explorer used 500 ms more, Discord 26484 is a new process on a reused pid.
  const later = before.map((p) => (p.pid === 1312 ? { ...p, cpuMs: p.cpuMs + 500 } : p.pid === 26484 ? { ...p, cpuMs: 300, startedMs: 1 } : p));
  const byPid = new Map(before.map((p) => [p.pid, p]));
  const stats = processStatsFromAgent(later, byPid, 2, 16 * 1024 ** 3);
  const of = (pid: number) => stats.find((p) => p.pid === pid)!;
  assert.is(of(1312).cpu, 25);
  assert.is(of(26484).cpu, 15, 'all its 300 ms fell in the interval');
  assert.is(of(9840).cpu, 0);
  assert.is(of(1312).memory, 2.35, 'working set as % of RAM');
  assert.is(of(1312).status, '', 'Windows has no state word');
  assert.is(processCpuPercent(100, 200, 1), 0, 'never negative');
  assert.equal(processStatsFromAgent(before, undefined, 0, 1).map((p) => p.cpu).filter((c) => c !== 0), [], 'no CPU % without a reading before');
});

test('network (real Get-NetAdapterStatistics): per interface counters, non-ASCII-safe names', () => {
  assert.equal(networkCountersFromAgent(answer('network')).find((i) => i.name === 'Wi-Fi'), {
    name: 'Wi-Fi', bytesRecv: 548825411, packetsRecv: 437865, bytesSent: 29951278, packetsSent: 124685,
  });
  assert.throws(() => networkCountersFromAgent([{ name: 'Ethernet', bytesRecv: '12' }]), /bytesRecv is not a number/);
});

test('drives (the DriveInfo example output): local drives with a file system; sizes from statfs', () => {
  const drives = drivesFromAgent(answer('drives'));
  assert.equal(drives.map((d) => [d.name, d.type, d.format]), [['A:\\', 'Removable', null], ['C:\\', 'Fixed', 'FAT32'], ['D:\\', 'Fixed', 'NTFS'], ['E:\\', 'CDRom', null]]);
  assert.equal(selectDrives(drives, false).map((d) => d.name), ['C:\\', 'D:\\']);
  const network = { name: 'Z:\\', type: 'Network', format: null };
  assert.equal(selectDrives([...drives, network], false).map((d) => d.name), ['C:\\', 'D:\\'], 'network drives only when asked');
  assert.equal(selectDrives([...drives, network], true).map((d) => d.name), ['C:\\', 'D:\\', 'Z:\\']);
  assert.is(driveFstype(network), 'network');
  // D:\ of the same output: 25958948864 bytes, 15114977280 free, as GetDiskFreeSpace reports it (4 KiB clusters).
  const d = driveStats(drives[2]!, { bsize: 4096, blocks: 25958948864 / 4096, bfree: 15114977280 / 4096, bavail: 15114977280 / 4096 });
  assert.equal(d, { device: 'D:\\', mountpoint: 'D:\\', fstype: 'NTFS', total: 25958948864, free: 15114977280, used: 10843971584, usedPercent: 41.77 });
});

test('swap (Win32_PageFileUsage of a real machine): the page files summed, in bytes', () => {
  assert.equal(swapFromAgent(answer('swap')), { total: 26198 * 1048576, used: 3752 * 1048576 });
  assert.equal(swapFromAgent([]), { total: 0, used: 0 }, 'no page file');
  const m = win32MemoryStats(34029125632, 20000000000, { total: 0, used: 0 });
  assert.equal([m.used, m.usedPercent, m.free, m.swap.usedPercent], [14029125632, 41.23, 20000000000, 0]);
});

test('physical cores (a real Win32_Processor answer: i7-12700H, 14 cores)', () => {
  assert.is(physicalCoresFromAgent(answer('cpu')), 14);
  assert.is(physicalCoresFromAgent({ physicalCores: null }), null);
});

test('disk I/O counters (psutil on Windows reads the same IOCTL): cumulative bytes, operations, ms', () => {
  const [disk] = diskIoCountersFromAgent(answer('diskio'));
  assert.equal(disk, {
    name: 'PhysicalDrive0', kind: 'disk', readBytes: 59462397440, writtenBytes: 40137938432, reads: 2195561, writes: 1171751,
    readTimeMs: 12511, writeTimeMs: 1888, idleTimeMs: null, queryTimeMs: null,
  });
  assert.is(diskBusyPercent(disk!, disk!), null, 'no idle time in that capture: busy % unknown, not 0');
  const a = { ...disk!, idleTimeMs: 1000, queryTimeMs: 5000 };
  assert.is(diskBusyPercent(a, { ...a, idleTimeMs: 2500, queryTimeMs: 7000 }), 25, '1.5 s idle of 2 s');
  assert.is(diskIoCountersFromAgent([{ ...answer('diskio')[0], kind: undefined }])[0]!.kind, 'disk', 'an answer without a kind (an older agent) is a disk');
  assert.throws(() => diskIoCountersFromAgent([{ ...answer('diskio')[0], kind: 'partition' }]), /kind is neither "disk" nor "volume"/);
});

test('disk I/O reading: each listed drive gets its own volume\'s counters (gopsutil\'s real C: reading), the machine-wide line the physical disks only', () => {
  const counters = diskIoCountersFromAgent(answer('diskio'));
  assert.equal(counters.map((c) => [c.name, c.kind]), [['PhysicalDrive0', 'disk'], ['C:\\', 'volume'], ['E:\\', 'volume'], ['F:\\', 'volume']]);
  const drives = [{ mountpoint: 'C:\\' }, { mountpoint: 'D:\\' }];
  const reading = diskIoReadingFromAgent(counters, drives);
  assert.equal([...reading.mounts.keys()], ['C:\\'], 'D: has no volume entry: its row keeps null I/O fields');
  assert.equal(reading.mounts.get('C:\\'), { key: 'C:\\', readBytes: 9112945664, writtenBytes: 5878823936, reads: 257409, writes: 272518, busyMs: null });
  // Machine-wide: PhysicalDrive0 alone, not PhysicalDrive0 + C: + E: + F: (the volumes lie on disks).
  assert.equal(reading.machine, { readBytes: 59462397440, writtenBytes: 40137938432, reads: 2195561, writes: 1171751, busyMs: null });
  const lower = diskIoReadingFromAgent(counters, [{ mountpoint: 'c:\\' }]);
  assert.is(lower.mounts.get('c:\\')?.key, 'C:\\', 'drive letters match whatever their case');
  assert.is(diskIoReadingFromAgent(counters.filter((c) => c.kind === 'volume'), drives).machine, null, 'no physical disk answered: no machine-wide figure, not 0');
});

test('disk I/O rates from two differing agent answers (gopsutil\'s two real readings of F:, 2 s apart as assumed here)', () => {
  // The two F: readings are one machine's, taken at two moments; how far apart is not known, so
  // 2 s is assumed: the counters are real, the interval is ours.
  const later = readFileSync(join(ROOT, 'spec', 'fixtures', 'win32', 'gopsutil-disk-iocounters-later.txt'), 'utf8');
  const m = /"readCount":(\d+),"mergedReadCount":\d+,"writeCount":(\d+),"mergedWriteCount":\d+,"readBytes":(\d+),"writeBytes":(\d+)/.exec(later)!;
  const first = answer('diskio');
  const f = first.find((c: { name: string }) => c.name === 'F:\\');
  const second = first.map((c: { name: string }) => (c.name === 'F:\\'
    ? { ...f, reads: Number(m[1]), writes: Number(m[2]), readBytes: Number(m[3]), writtenBytes: Number(m[4]) }
    : c));
  const drives = [{ mountpoint: 'F:\\' }];
  const at0 = diskIoReadingFromAgent(diskIoCountersFromAgent(first), drives);
  const at2 = diskIoReadingFromAgent(diskIoCountersFromAgent(second), drives);
  const { perMount, totals } = ioRates(at2, snapshotOf(at0, 10_000), 12_000);
  assert.equal(perMount.get('F:\\'), {
    readBytesPerSec: (14486528 - 13564416) / 2, writeBytesPerSec: (63649280 - 69632) / 2, readsPerSec: 20, writesPerSec: 820,
    busyPercent: null, readBytes: 14486528, writtenBytes: 63649280, reads: 106, writes: 1657, ioTime: null,
  });
  assert.equal([totals.readBytesPerSec, totals.writeBytesPerSec], [0, 0], 'PhysicalDrive0 did not move between the two answers');
  const first0 = ioRates(at0, undefined, 10_000).perMount.get('F:\\')!;
  assert.equal([first0.readBytesPerSec, first0.readBytes], [null, 13564416], 'a first reading: counters, no rate');
});

test('GPUs (a real reg query of the display class key, two adapters): names and memory sizes, no invented readings', () => {
  const gpus = gpusFromAgent(answer('gpus'));
  assert.equal(gpus.map((g) => [g.name, g.vendor, g.index, g.memoryTotal, g.memoryUsed, g.usage]), [
    ['Intel(R) Arc(TM) Pro B60 Graphics', 'intel', 0, 24 * 1024 ** 3, null, null],
    ['AMD Radeon RX 6800 XT', 'amd', 1, 16 * 1024 ** 3, null, null],
  ]);
  assert.equal(gpusFromAgent([{ key: '0002', name: 'Microsoft Basic Display Adapter', driverVersion: '10.0.22621.1', memoryBytes: null }]), [], 'software adapters are not GPUs');
});

test.run();
