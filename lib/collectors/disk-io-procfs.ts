// Linux's disk I/O source: /proc/diskstats each tick (nothing else), matched to the listed
// filesystems through the major:minor of /proc/self/mountinfo. sysfs (which disks are physical,
// btrfs members) is read only when the set of devices or of mounts changes.
import { parseDiskstats, type DiskstatsDevice } from '../procfs/diskstats.js';
import { btrfsMemberFor, readBtrfsFilesystems, readPhysicalDisks, type BtrfsFilesystem } from '../procfs/block-devices.js';
import { readText } from '../procfs/read.js';
import { addCounters, type DiskIoReading, type DiskIoSource, type IoCounters, type MountIo, type MountRef } from './disk-io.js';

export function procfsDiskIoSource(procRoot: string, sysRoot: string): DiskIoSource {
  // Keyed by the sorted device names of /proc/diskstats: a disk plugged or removed reads sysfs again.
  let devicesSeen = '';
  let physical: Set<string> | undefined;
  let btrfs: BtrfsFilesystem[] | undefined;
  let btrfsMountsSeen = '';
  return {
    name: 'procfs',
    read(mounts: readonly MountRef[]): DiskIoReading {
      const parsed = parseDiskstats(readText(procRoot, 'diskstats'));
      const skipped = [...parsed.skipped];
      const byDevNum = new Map<string, DiskstatsDevice>();
      const byName = new Map<string, DiskstatsDevice>();
      for (const d of parsed.devices) {
        byDevNum.set(d.devNum, d);
        byName.set(d.name, d);
      }
      const names = parsed.devices.map((d) => d.name).join(' ');
      if (names !== devicesSeen) {
        devicesSeen = names;
        physical = readPhysicalDisks(sysRoot);
        btrfs = undefined;
      }

      // A btrfs filesystem mounted or unmounted reads /sys/fs/btrfs again (only then).
      const btrfsMounts = mounts.filter((m) => m.fstype === 'btrfs').map((m) => m.source).join(' ');
      if (btrfsMounts !== btrfsMountsSeen) {
        btrfsMountsSeen = btrfsMounts;
        btrfs = undefined;
      }

      const result = new Map<string, MountIo>();
      for (const mount of mounts) {
        let device: DiskstatsDevice | undefined;
        if (!mount.device.startsWith('0:')) {
          device = byDevNum.get(mount.device);
          if (!device) skipped.push(`${mount.mountpoint}: device ${mount.device} is not in /proc/diskstats`);
        } else if (mount.fstype === 'btrfs') {
          // btrfs gives every filesystem an anonymous 0:N device; its members are listed in sysfs.
          btrfs ??= readBtrfsFilesystems(sysRoot);
          const member = btrfsMemberFor(mount.source, btrfs);
          device = member && byName.get(member.name);
          if (!device) skipped.push(`${mount.mountpoint}: btrfs on ${mount.source}: no member device found in /sys/fs/btrfs`);
        }
        // Other 0:N filesystems (tmpfs, overlay, nfs, zfs) have no block device: null I/O, nothing to report.
        if (device) result.set(mount.mountpoint, { key: device.devNum, ...countersOf(device) });
      }

      let machine: IoCounters | null = null;
      if (physical) {
        machine = addCounters(parsed.devices.filter((d) => physical!.has(d.name)).map(countersOf));
      } else {
        skipped.push('machine-wide disk I/O: /sys/block cannot be read, so physical disks cannot be told from partitions and virtual devices');
      }
      return { mounts: result, machine, skipped };
    },
  };
}

function countersOf(d: DiskstatsDevice): IoCounters {
  return { readBytes: d.readBytes, writtenBytes: d.writtenBytes, reads: d.reads, writes: d.writes, busyMs: d.busyMs };
}
