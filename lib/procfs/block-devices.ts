import { existsSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tryReadDir, tryReadText } from './read.js';

/**
 * The whole physical disks: the entries of /sys/block whose device is not virtual. /sys/block
 * holds whole disks only (no partitions); loop, zram, ram, dm-N, md and nbd link into
 * /sys/devices/virtual/block. An NVMe multipath head (nvme-subsystem) is virtual in sysfs but is the
 * one line that counts its namespace's I/O, so it counts as physical. Where /sys/block holds
 * directories instead of links (some NAS kernels), a `device` entry marks a physical disk.
 * undefined when /sys/block cannot be read (no sysfs in the container).
 */
export function readPhysicalDisks(sysRoot: string): Set<string> | undefined {
  const names = tryReadDir(sysRoot, 'block');
  if (names.length === 0) return undefined;
  const physical = new Set<string>();
  for (const name of names) {
    let target: string | undefined;
    try {
      target = readlinkSync(join(sysRoot, 'block', name));
    } catch {
      target = undefined;
    }
    const isPhysical = target === undefined
      ? existsSync(join(sysRoot, 'block', name, 'device'))
      : !target.includes('/virtual/') || target.includes('/nvme-subsystem/');
    if (isPhysical) physical.add(name);
  }
  return physical;
}

/**
 * The member devices of each mounted btrfs filesystem, by UUID: the entries of
 * /sys/fs/btrfs/<uuid>/devices/ (kernel names: sda2, nvme0n1p3, dm-0), plus for a dm-N member its
 * device-mapper name (/sys/block/dm-N/dm/name: what /dev/mapper/<name> in mountinfo says).
 */
export interface BtrfsFilesystem {
  uuid: string;
  members: { name: string; aliases: string[] }[];
}

export function readBtrfsFilesystems(sysRoot: string): BtrfsFilesystem[] {
  const filesystems: BtrfsFilesystem[] = [];
  for (const uuid of tryReadDir(sysRoot, 'fs', 'btrfs')) {
    if (uuid === 'features') continue;
    const names = tryReadDir(sysRoot, 'fs', 'btrfs', uuid, 'devices').sort();
    if (names.length === 0) continue;
    filesystems.push({
      uuid,
      members: names.map((name) => {
        const mapperName = name.startsWith('dm-') ? tryReadText(sysRoot, 'block', name, 'dm', 'name')?.trim() : undefined;
        return { name, aliases: mapperName ? [name, mapperName] : [name] };
      }),
    });
  }
  return filesystems;
}

/**
 * The member whose I/O a btrfs mount reports: the device its mountinfo source names
 * (/dev/sda2, /dev/mapper/luks-…, /dev/dm-0), which is the device btrfs shows as the filesystem's
 * in `df` and in this mount's `device` field. Other members of a multi-device filesystem are not
 * added to it (they are in the machine-wide line). undefined when no filesystem has such a member.
 */
export function btrfsMemberFor(source: string, filesystems: readonly BtrfsFilesystem[]): { uuid: string; name: string; members: number } | undefined {
  const wanted = source.replace(/^\/dev\/(mapper\/)?/, '');
  for (const fs of filesystems) {
    const member = fs.members.find((m) => m.aliases.includes(wanted));
    if (member) return { uuid: fs.uuid, name: member.name, members: fs.members.length };
  }
  return undefined;
}
