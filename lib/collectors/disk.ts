import { statfs as statfsAsync } from 'node:fs/promises';
import type si from 'systeminformation';
import { systeminformation } from './systeminformation.js';
import type { DiskStats } from '../types.js';
import type { CollectorFactory } from './context.js';
import { poll, type Sampler } from './poll.js';
import { parseMountinfo, type MountInfo } from '../procfs/mountinfo.js';
import { readText } from '../procfs/read.js';
import { round2 } from '../format/round.js';

export interface DiskOptions {
  /** Include network and FUSE filesystems (nfs, cifs, sshfs, …). Off: a hung server blocks statfs. */
  includeNetworkFs?: boolean;
  /** Each filesystem's own statfs deadline, ms (default: the sample timeout's half, at most 1000). */
  statfsTimeoutMs?: number;
  /** For specs: replaces fs.promises.statfs. */
  statfs?: (path: string) => Promise<StatFsSizes>;
}

export interface StatFsSizes {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

/** Kernel and memory filesystems: nothing a user would call a disk. */
export const PSEUDO_FILESYSTEMS: ReadonlySet<string> = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'ramfs', 'rootfs', 'cgroup', 'cgroup2', 'cpuset',
  'securityfs', 'pstore', 'efivarfs', 'bpf', 'debugfs', 'tracefs', 'configfs', 'fusectl', 'mqueue',
  'hugetlbfs', 'autofs', 'binfmt_misc', 'rpc_pipefs', 'nsfs', 'selinuxfs', 'nfsd', 'sockfs', 'pipefs',
  // Read-only images always 100% full: snap packages, AppImages, live media.
  'squashfs',
  // macOS
  'devfs', 'nullfs',
]);

/** Filesystems served over a network or by a user-space daemon: statfs can hang for minutes. */
export const NETWORK_FILESYSTEMS: ReadonlySet<string> = new Set([
  'nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'sshfs', '9p', 'ceph', 'glusterfs', 'lustre', 'afs', 'davfs',
  'fuse', 'webdav', 'virtiofs',
]);

/**
 * Whether a mount is a filesystem worth listing. fuse.* counts as network (sshfs, rclone, gvfs),
 * but fuseblk is FUSE over a local block device (NTFS, exFAT drives) and is kept. overlay and aufs
 * are kept only at '/': that is a container's root, while elsewhere they are Docker's layer mounts.
 */
export function isListedFilesystem(fstype: string, mountpoint: string, includeNetworkFs: boolean): boolean {
  const type = fstype.toLowerCase();
  if (PSEUDO_FILESYSTEMS.has(type)) return false;
  if (type === 'overlay' || type === 'aufs') return mountpoint === '/';
  if (isNetworkFilesystem(type)) return includeNetworkFs;
  return true;
}

export function isNetworkFilesystem(fstype: string): boolean {
  const type = fstype.toLowerCase();
  return NETWORK_FILESYSTEMS.has(type) || (type.startsWith('fuse.') && type !== 'fuse.fuseblk');
}

/** The mounts to measure: listed types, one per device (bind mounts repeat a filesystem). */
export function selectMounts(mounts: readonly MountInfo[], includeNetworkFs: boolean): MountInfo[] {
  const byDevice = new Map<string, MountInfo>();
  for (const mount of mounts) {
    if (!isListedFilesystem(mount.fstype, mount.mountpoint, includeNetworkFs)) continue;
    const seen = byDevice.get(mount.device);
    // Prefer the mount of the filesystem's own root over a bind mount of a subdirectory, then the shortest path.
    if (!seen || rank(mount) < rank(seen)) byDevice.set(mount.device, mount);
  }
  return [...byDevice.values()].sort((a, b) => a.mountId - b.mountId);
}

function rank(mount: MountInfo): number {
  return (mount.root === '/' ? 0 : 1_000_000) + mount.mountpoint.length;
}

/** Sizes as df counts them: used from bfree, free and the percentage from bavail (root's reserve is not free). */
export function diskStats(mount: Pick<MountInfo, 'source' | 'mountpoint' | 'fstype'>, s: StatFsSizes): DiskStats {
  const total = s.blocks * s.bsize;
  const used = (s.blocks - s.bfree) * s.bsize;
  const free = s.bavail * s.bsize;
  return {
    device: mount.source,
    mountpoint: mount.mountpoint,
    fstype: mount.fstype,
    total,
    free,
    used,
    usedPercent: used + free > 0 ? round2((used / (used + free)) * 100) : 0,
  };
}

/** Real filesystems with their sizes: /proc/self/mountinfo and statfs on Linux, systeminformation elsewhere. */
export const diskCollector: CollectorFactory<DiskStats[], DiskOptions> = (ctx, options = {}) => {
  const includeNetworkFs = options.includeNetworkFs ?? false;
  const statfsTimeoutMs = options.statfsTimeoutMs ?? Math.min(1000, Math.max(10, Math.floor(ctx.timeoutMs / 2)));
  const statfs = options.statfs ?? ((path: string) => statfsAsync(path));
  return poll(
    () => (ctx.platform === 'linux'
      ? procfsDiskSampler(ctx.procRoot, { includeNetworkFs, statfsTimeoutMs, statfs })
      : systeminformationDiskSampler(includeNetworkFs)),
    {
      intervalMs: ctx.intervalMs,
      timeoutMs: ctx.timeoutMs,
      primeMs: ctx.primeMs,
      placeholder: [],
      scheduler: ctx.scheduler,
      grid: ctx.grid,
    },
  );
};

function procfsDiskSampler(
  procRoot: string,
  options: { includeNetworkFs: boolean; statfsTimeoutMs: number; statfs: (path: string) => Promise<StatFsSizes> },
): Sampler<DiskStats[]> {
  // A statfs that outlives its deadline still holds one of libuv's 4 threads until the kernel answers.
  // While it does, that mountpoint is not asked again, so one hung server costs one thread, not one per tick.
  const pending = new Set<string>();
  const measure = async (mount: MountInfo): Promise<DiskStats | undefined> => {
    if (pending.has(mount.mountpoint)) return undefined;
    pending.add(mount.mountpoint);
    const call = options.statfs(mount.mountpoint).finally(() => pending.delete(mount.mountpoint));
    const sizes = await withDeadline(call, options.statfsTimeoutMs).catch(() => undefined);
    // blocks === 0: a pseudo filesystem that slipped through the lists; df hides those too.
    return sizes && sizes.blocks > 0 ? diskStats(mount, sizes) : undefined;
  };
  // The mount table rarely changes: it is parsed again only when its text does.
  let mountinfo = '';
  let mounts: MountInfo[] = [];
  return {
    async sample() {
      const text = readText(procRoot, 'self/mountinfo');
      if (text !== mountinfo) {
        mounts = selectMounts(parseMountinfo(text), options.includeNetworkFs);
        mountinfo = text;
      }
      const disks = await Promise.all(mounts.map(measure));
      return { value: disks.filter((d): d is DiskStats => d !== undefined), source: 'procfs' };
    },
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`statfs took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function systeminformationDiskSampler(includeNetworkFs: boolean): Sampler<DiskStats[]> {
  return {
    async sample() {
      const sizes = await (await systeminformation()).fsSize();
      return {
        source: 'systeminformation',
        value: sizes
          .filter((f) => isListedFilesystem(f.type, f.mount, includeNetworkFs))
          .map((f) => ({
            device: f.fs,
            mountpoint: f.mount,
            fstype: f.type,
            total: f.size,
            free: f.available,
            used: f.used,
            usedPercent: f.use,
          })),
      };
    },
  };
}
