import { defer, finalize, type Observable } from 'rxjs';
import type { Sample } from './sample.js';
import type si from 'systeminformation';
import { systeminformation } from './systeminformation.js';
import type { DiskIoTotals, DiskSizes, DiskStats } from '../types.js';
import type { CollectorContext, CollectorFactory } from './context.js';
import { poll, type Sampler, pollOptions } from './poll.js';
import { ioRates, NO_DISK_IO, NO_DISK_IO_TOTALS, snapshotOf, type DiskIoReading, type DiskIoSource, type IoSnapshot, type MountRef } from './disk-io.js';
import { procfsDiskIoSource } from './disk-io-procfs.js';
import { oneLine } from '../format/one-line.js';
import { parseMountinfo, type MountInfo } from '../procfs/mountinfo.js';
import { readText } from '../procfs/read.js';
import { darwinDiskSampler, topPool } from '../platform/darwin/samplers.js';
import { topDiskIoSource } from '../platform/darwin/disk-io.js';
import { boundedStatfs, diskStats, type StatFsSizes, type Statfs } from './disk-sizes.js';

export { diskStats, type StatFsSizes } from './disk-sizes.js';
import { win32DiskIoSource, win32DiskSizes, withAgent } from '../platform/win32/samplers.js';

export interface DiskOptions {
  /** Include network and FUSE filesystems (nfs, cifs, sshfs, …). Off: a hung server blocks statfs. */
  includeNetworkFs?: boolean;
  /** Each filesystem's own statfs deadline, ms (default: the sample timeout's half, at most 1000). */
  statfsTimeoutMs?: number;
  /** For specs: replaces fs.promises.statfs. */
  statfs?: Statfs;
  /** Replaces the platform's disk I/O source (see platformDiskIoSource); null: no I/O figures. */
  ioSource?: DiskIoSource | null;
}

/**
 * What the disk collector emits: the disk list (the `disk` topic) and the machine-wide I/O line
 * sent beside it as `diskIO`. A collector that emits a bare DiskStats[] (older embedders' own
 * collectors) is read as that list with no I/O line.
 */
export interface DiskReading {
  disks: DiskStats[];
  io: DiskIoTotals;
}

export const DISK_PLACEHOLDER: DiskReading = { disks: [], io: NO_DISK_IO_TOTALS };

export function disksOf(value: DiskStats[] | DiskReading): DiskStats[] {
  return Array.isArray(value) ? value : value.disks;
}

export function diskIoOf(value: DiskStats[] | DiskReading): DiskIoTotals {
  return Array.isArray(value) ? NO_DISK_IO_TOTALS : value.io;
}

/**
 * The I/O source of this platform for diskSampler(): Linux: /proc/diskstats. macOS and Windows
 * read theirs from the monitor's shared child (top loop, PowerShell agent), which their own
 * collectors hold a lease on (darwinDiskCollector, win32DiskCollector): null here.
 */
export function platformDiskIoSource(ctx: Pick<CollectorContext, 'platform' | 'procRoot' | 'sysRoot'>): DiskIoSource | null {
  return ctx.platform === 'linux' ? procfsDiskIoSource(ctx.procRoot, ctx.sysRoot) : null;
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
  'fuse', 'webdav', 'virtiofs', 'afpfs',
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

/**
 * Real filesystems with their sizes (/proc/self/mountinfo and statfs on Linux; the mount table and
 * statfs per volume on macOS; the agent's drive list and statfs per drive on Windows) and the I/O
 * of the device behind each, plus the machine-wide I/O line.
 */
export const diskCollector: CollectorFactory<DiskReading, DiskOptions> = (ctx, options = {}) =>
  ctx.platform === 'darwin' ? darwinDiskCollector(ctx, options)
  : ctx.platform === 'win32' ? win32DiskCollector(ctx, options)
  : poll(() => diskSampler(ctx, options), pollOptions(ctx, DISK_PLACEHOLDER));

/**
 * macOS: the mount table once (and when /Volumes changes) and statfs per volume; I/O: the
 * machine-wide totals of top's Disks line, from the monitor's one top loop (shared with the
 * processes collector). top has no per-disk figures: each disk row keeps null I/O fields.
 */
function darwinDiskCollector(ctx: CollectorContext, options: DiskOptions): Observable<Sample<DiskReading>> {
  const { includeNetworkFs, sizeOf } = sizeOptions(ctx, options);
  return defer(() => {
    const volumes = darwinDiskSampler(ctx, { sizeOf, isListed: (t, m) => isListedFilesystem(t, m, includeNetworkFs) });
    const lease = options.ioSource === undefined ? topPool(ctx).acquire() : undefined;
    const io = lease ? topDiskIoSource(lease, Math.max(10, ctx.timeoutMs - 100)) : options.ioSource ?? null;
    const sizes: SizesSource = {
      name: 'mount + statfs',
      mounts: () => [], // top's totals are not per mount
      async sizes() {
        const list = (await volumes.sample())?.value ?? [];
        return { mounts: list.map((d) => ({ device: d.device, mountpoint: d.mountpoint, source: d.device, fstype: d.fstype })), sizes: list };
      },
    };
    return poll(() => withDiskIo(ctx, sizes, io), pollOptions(ctx, DISK_PLACEHOLDER)).pipe(finalize(() => { volumes.stop(); lease?.release(); }));
  });
}

/**
 * Windows: the agent's drive list and statfs per drive; I/O from the same agent (one "diskio"
 * request per reading: each drive's volume, and the physical disks for the machine-wide line).
 */
function win32DiskCollector(ctx: CollectorContext, options: DiskOptions): Observable<Sample<DiskReading>> {
  const { includeNetworkFs, sizeOf } = sizeOptions(ctx, options);
  return withAgent(ctx, (lease) => poll(() => withDiskIo(
    ctx,
    win32DiskSizes(lease, { includeNetworkFs, sizeOf }),
    options.ioSource === undefined ? win32DiskIoSource(lease) : options.ioSource,
  ), pollOptions(ctx, DISK_PLACEHOLDER)));
}

/** The sizes options with their defaults (statfs's deadline: the sample timeout's half, at most 1000 ms). */
function sizeOptions(ctx: Pick<CollectorContext, 'timeoutMs'>, options: DiskOptions) {
  const statfsTimeoutMs = options.statfsTimeoutMs ?? Math.min(1000, Math.max(10, Math.floor(ctx.timeoutMs / 2)));
  return { includeNetworkFs: options.includeNetworkFs ?? false, sizeOf: boundedStatfs(statfsTimeoutMs, options.statfs) };
}

/** One subscription's sampler (the bench drives it directly to time one reading). */
export function diskSampler(ctx: CollectorContext, options: DiskOptions = {}): Sampler<DiskReading> {
  const { includeNetworkFs, sizeOf } = sizeOptions(ctx, options);
  return withDiskIo(
    ctx,
    ctx.platform === 'linux'
      ? procfsSizes(ctx.procRoot, { includeNetworkFs, sizeOf })
      : systeminformationSizes(includeNetworkFs),
    options.ioSource === undefined ? platformDiskIoSource(ctx) : options.ioSource,
  );
}

/** The sizes half of a reading: which filesystems are listed, and how full each is. */
interface SizesSource {
  readonly name: string;
  /** The filesystems listed now (cheap on Linux: the mount table); what the I/O baseline reads. */
  mounts(signal?: AbortSignal): MountRef[] | Promise<MountRef[]>;
  sizes(signal?: AbortSignal): Promise<{ mounts: MountRef[]; sizes: DiskSizes[] }>;
}

/**
 * Joins sizes and I/O into one reading. With an I/O source there is a baseline reading (like CPU
 * and network), so the first emitted reading, primeMs later, already carries rates. A failing I/O
 * read leaves the I/O fields null and says why in health; the sizes still come.
 */
function withDiskIo(ctx: Pick<CollectorContext, 'scheduler'>, sizes: SizesSource, io: DiskIoSource | null): Sampler<DiskReading> {
  let previous: IoSnapshot | undefined;
  const readIo = async (mounts: MountRef[]): Promise<DiskIoReading | Error> => {
    try {
      return await io!.read(mounts);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  const sampler: Sampler<DiskReading> = {
    async sample(signal) {
      const { mounts, sizes: list } = await sizes.sizes(signal);
      if (!io) {
        return { value: { disks: list.map((d) => ({ ...d, ...NO_DISK_IO })), io: NO_DISK_IO_TOTALS }, source: sizes.name };
      }
      const reading = await readIo(mounts);
      if (reading instanceof Error) {
        previous = undefined;
        return {
          value: { disks: list.map((d) => ({ ...d, ...NO_DISK_IO })), io: NO_DISK_IO_TOTALS },
          source: sizes.name,
          skipped: [`disk I/O: ${oneLine(reading)}`],
        };
      }
      const at = reading.at ?? ctx.scheduler.now();
      const { perMount, totals } = ioRates(reading, previous, at);
      previous = snapshotOf(reading, at);
      const disks = list.map((d) => ({ ...d, ...(perMount.get(d.mountpoint) ?? NO_DISK_IO) }));
      const source = io.name === sizes.name ? sizes.name : `${sizes.name} + ${io.name}`;
      return { value: { disks, io: totals }, source, ...(reading.skipped.length > 0 ? { skipped: reading.skipped } : {}) };
    },
  };
  if (io) {
    sampler.baseline = async (signal) => {
      const reading = await readIo(await sizes.mounts(signal));
      if (!(reading instanceof Error)) previous = snapshotOf(reading, reading.at ?? ctx.scheduler.now());
    };
  }
  return sampler;
}

function procfsSizes(
  procRoot: string,
  options: { includeNetworkFs: boolean; sizeOf: (path: string) => Promise<StatFsSizes | undefined> },
): SizesSource {
  const measure = async (mount: MountInfo): Promise<DiskSizes | undefined> => {
    const sizes = await options.sizeOf(mount.mountpoint);
    return sizes ? diskStats(mount, sizes) : undefined;
  };
  // The mount table rarely changes: it is parsed again only when its text does.
  let mountinfo = '';
  let mounts: MountInfo[] = [];
  const current = (): MountInfo[] => {
    const text = readText(procRoot, 'self/mountinfo');
    if (text !== mountinfo) {
      mounts = selectMounts(parseMountinfo(text), options.includeNetworkFs);
      mountinfo = text;
    }
    return mounts;
  };
  return {
    name: 'procfs',
    mounts: current,
    async sizes() {
      const listed = current();
      const disks = await Promise.all(listed.map(measure));
      return { mounts: listed, sizes: disks.filter((d): d is DiskSizes => d !== undefined) };
    },
  };
}

function systeminformationSizes(includeNetworkFs: boolean): SizesSource {
  const read = async () => {
    const listed = (await (await systeminformation()).fsSize())
      .filter((f) => isListedFilesystem(f.type, f.mount, includeNetworkFs));
    return {
      mounts: listed.map((f) => ({ device: f.fs, mountpoint: f.mount, source: f.fs, fstype: f.type })),
      sizes: listed.map((f) => ({
        device: f.fs,
        mountpoint: f.mount,
        fstype: f.type,
        total: f.size,
        free: f.available,
        used: f.used,
        usedPercent: f.use,
      })),
    };
  };
  return { name: 'systeminformation', mounts: async () => (await read()).mounts, sizes: read };
}
