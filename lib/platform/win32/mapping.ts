// From the agent's JSON answers (protocol.ts) to our payloads. Pure: tested on the captures in
// spec/stand-ins/captures/. Every answer is checked field by field; a wrong shape is an error
// that names the field, never a silent 0.
import { diskStats, type StatFsSizes } from '../../collectors/disk-sizes.js';
import type { DiskSizes, DiskStats, GpuStats, ProcessStats } from '../../types.js';
import { gpuStats, vendorOf } from '../../collectors/gpu/gpu-stats.js';
import type { InterfaceCounters } from '../../procfs/net-dev.js';
import { round2 } from '../../format/round.js';
import { addCounters, type DiskIoReading, type IoCounters, type MountIo } from '../../collectors/disk-io.js';

export class AgentAnswerError extends Error {
  override name = 'AgentAnswerError';
}

export interface AgentProcess {
  pid: number;
  name: string;
  /** Processor time used since it started (user + kernel), ms. */
  cpuMs: number;
  /** Working set, bytes: what Task Manager's "Memory" details column and psutil's rss show. */
  workingSet: number;
  /** Start time, ms since 1970: a pid reused by a new process has another. */
  startedMs: number;
}

export interface AgentDrive {
  /** "C:\\" */
  name: string;
  /** .NET DriveType: Fixed, Removable, Network, CDRom, Ram, NoRootDirectory, Unknown. */
  type: string;
  /** NTFS, ReFS, FAT32, exFAT…; null when not ready or not asked (network drives). */
  format: string | null;
}

export interface AgentSwap {
  name: string;
  total: number;
  used: number;
}

/**
 * A physical disk's cumulative I/O counters (IOCTL_DISK_PERFORMANCE), as diskIoCountersFromAgent
 * returns them: bytes and operations since boot, and times in ms. Rates and busy % come from the
 * difference of two readings (diskBusyPercent).
 */
export interface DiskIoCounters {
  /** "PhysicalDrive0" for a disk; the drive root ("C:\\", as DriveInfo names it) for a volume. */
  name: string;
  /**
   * disk: a physical disk (\\.\PhysicalDriveN), what the machine-wide line sums, each once;
   * volume: the volume behind a drive letter (\\.\C:), the figures of that drive's row.
   * An answer without a kind (agents before volumes were asked) is a disk.
   */
  kind: 'disk' | 'volume';
  readBytes: number;
  writtenBytes: number;
  reads: number;
  writes: number;
  readTimeMs: number;
  writeTimeMs: number;
  /** Cumulative idle time, ms; null when not reported. */
  idleTimeMs: number | null;
  /** The disk driver's clock when the counters were read, ms (busy % = 1 − Δidle / Δthis); null when not reported. */
  queryTimeMs: number | null;
}

type Row = Record<string, unknown>;

function rows(data: unknown, what: string): Row[] {
  if (!Array.isArray(data)) throw new AgentAnswerError(`agent ${what} answer is not a list`);
  return data.map((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new AgentAnswerError(`agent ${what} answer: entry ${i} is not an object`);
    return row as Row;
  });
}

function num(row: Row, field: string, what: string): number {
  const v = row[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new AgentAnswerError(`agent ${what} answer: ${field} is not a number (${JSON.stringify(v)})`);
  return v;
}

function str(row: Row, field: string, what: string): string {
  const v = row[field];
  if (typeof v !== 'string') throw new AgentAnswerError(`agent ${what} answer: ${field} is not a string (${JSON.stringify(v)})`);
  return v;
}

export function processesFromAgent(data: unknown): AgentProcess[] {
  return rows(data, 'processes').map((r) => ({
    pid: num(r, 'pid', 'processes'),
    name: str(r, 'name', 'processes'),
    cpuMs: num(r, 'cpuMs', 'processes'),
    workingSet: num(r, 'workingSet', 'processes'),
    startedMs: num(r, 'startedMs', 'processes'),
  }));
}

/** CPU % of one process over an interval, like top (100 = one full core); a process born since counts all its time. */
export function processCpuPercent(cpuMsNow: number, cpuMsBefore: number | undefined, seconds: number): number {
  if (seconds <= 0) return 0;
  return round2(Math.max(0, ((cpuMsNow - (cpuMsBefore ?? 0)) / 1000 / seconds) * 100));
}

/**
 * The processes payload from one reading and the one before (keyed by pid; a pid whose start
 * time changed is a new process). Windows has no process state word: status is ''. memory is the
 * working set as a share of RAM.
 */
export function processStatsFromAgent(
  current: readonly AgentProcess[],
  before: ReadonlyMap<number, Pick<AgentProcess, 'cpuMs' | 'startedMs'>> | undefined,
  seconds: number,
  memTotal: number,
): ProcessStats[] {
  return current.map((p) => {
    const old = before?.get(p.pid);
    const cpuBefore = old && old.startedMs === p.startedMs ? old.cpuMs : undefined;
    return {
      pid: p.pid,
      name: p.name,
      cpu: before ? processCpuPercent(p.cpuMs, cpuBefore, seconds) : 0,
      memory: memTotal > 0 ? round2((p.workingSet / memTotal) * 100) : 0,
      status: '',
      rss: p.workingSet,
    };
  });
}

export function networkCountersFromAgent(data: unknown): InterfaceCounters[] {
  return rows(data, 'network').map((r) => ({
    name: str(r, 'name', 'network'),
    bytesRecv: num(r, 'bytesRecv', 'network'),
    packetsRecv: num(r, 'packetsRecv', 'network'),
    bytesSent: num(r, 'bytesSent', 'network'),
    packetsSent: num(r, 'packetsSent', 'network'),
  }));
}

export function drivesFromAgent(data: unknown): AgentDrive[] {
  return rows(data, 'drives').map((r) => {
    const format = r.format;
    if (format !== null && typeof format !== 'string') throw new AgentAnswerError(`agent drives answer: format is neither text nor null (${JSON.stringify(format)})`);
    return { name: str(r, 'name', 'drives'), type: str(r, 'type', 'drives'), format };
  });
}

/** The drives worth sizing: local disks always, network drives only when asked; never optical or empty slots. */
export function selectDrives(drives: readonly AgentDrive[], includeNetworkFs: boolean): AgentDrive[] {
  return drives.filter((d) => {
    if (d.type === 'Network') return includeNetworkFs;
    if (d.type === 'CDRom' || d.type === 'NoRootDirectory' || d.type === 'Unknown') return false;
    // Fixed, Removable, Ram: a drive that is not ready (an empty card reader) has no format.
    return d.format !== null;
  });
}

/** fstype of a drive: its file system, or "network" for a network drive (which is never asked: it could hang). */
export function driveFstype(drive: AgentDrive): string {
  return drive.format ?? (drive.type === 'Network' ? 'network' : '');
}

/** Sizes from fs.statfs on the drive root (GetDiskFreeSpace: clusters), counted as df counts them. */
export function driveStats(drive: AgentDrive, s: StatFsSizes): DiskSizes {
  return diskStats({ source: drive.name, mountpoint: drive.name, fstype: driveFstype(drive) }, s);
}

export function swapFromAgent(data: unknown): { total: number; used: number } {
  const files = rows(data, 'swap').map((r) => ({ total: num(r, 'total', 'swap'), used: num(r, 'used', 'swap') }));
  return { total: files.reduce((s, f) => s + f.total, 0), used: files.reduce((s, f) => s + f.used, 0) };
}

export function physicalCoresFromAgent(data: unknown): number | null {
  const v = (data as Row | null)?.physicalCores;
  return typeof v === 'number' && v > 0 ? v : null;
}

/**
 * Display adapters from the registry: name, vendor, driver version and the memory size the driver
 * reports; every reading (usage, temperature, memory used) null: the registry has no live values.
 * Microsoft's own software adapters ("Microsoft Basic Display Adapter", "Microsoft Remote Display
 * Adapter") are left out: they are not GPUs.
 */
export function gpusFromAgent(data: unknown): GpuStats[] {
  return rows(data, 'gpus')
    .map((r) => ({
      name: str(r, 'name', 'gpus').trim(),
      driverVersion: typeof r.driverVersion === 'string' ? r.driverVersion : null,
      memoryBytes: r.memoryBytes === null || r.memoryBytes === undefined ? null : num(r, 'memoryBytes', 'gpus'),
    }))
    .filter((g) => g.name !== '' && !/^Microsoft (Basic|Remote) Display/i.test(g.name))
    .map((g, index) => gpuStats({
      name: g.name,
      vendor: vendorOf(g.name),
      index,
      memory: { total: g.memoryBytes, used: null, free: null },
      driverVersion: g.driverVersion,
    }));
}

const HUNDRED_NS_PER_MS = 10_000;

/** Per-disk cumulative I/O counters from the agent's diskio answer (IOCTL_DISK_PERFORMANCE). */
export function diskIoCountersFromAgent(data: unknown): DiskIoCounters[] {
  return rows(data, 'diskio').map((r) => ({
    name: str(r, 'name', 'diskio'),
    kind: diskIoKind(r),
    readBytes: num(r, 'readBytes', 'diskio'),
    writtenBytes: num(r, 'writtenBytes', 'diskio'),
    reads: num(r, 'reads', 'diskio'),
    writes: num(r, 'writes', 'diskio'),
    readTimeMs: num(r, 'readTime100ns', 'diskio') / HUNDRED_NS_PER_MS,
    writeTimeMs: num(r, 'writeTime100ns', 'diskio') / HUNDRED_NS_PER_MS,
    idleTimeMs: r.idleTime100ns === undefined ? null : num(r, 'idleTime100ns', 'diskio') / HUNDRED_NS_PER_MS,
    queryTimeMs: r.queryTime100ns === undefined ? null : num(r, 'queryTime100ns', 'diskio') / HUNDRED_NS_PER_MS,
  }));
}

function diskIoKind(r: Row): 'disk' | 'volume' {
  if (r.kind === undefined || r.kind === 'disk') return 'disk';
  if (r.kind === 'volume') return 'volume';
  throw new AgentAnswerError(`agent diskio answer: kind is neither "disk" nor "volume" (${JSON.stringify(r.kind)})`);
}

/**
 * One reading of the agent's disk I/O for the disk list: each listed drive gets its volume's
 * counters (keyed by the volume, so two rows of one volume share one set of figures), and the
 * machine-wide line sums the physical disks (never the volumes on them: nothing twice).
 * Busy time is null: DISK_PERFORMANCE has an idle time and a clock, not a busy time since boot,
 * and the busy % of two readings (diskBusyPercent) is not a cumulative counter ioRates can use.
 */
export function diskIoReadingFromAgent(counters: readonly DiskIoCounters[], drives: readonly { mountpoint: string }[]): DiskIoReading {
  const io = (c: DiskIoCounters): IoCounters => ({
    readBytes: c.readBytes,
    writtenBytes: c.writtenBytes,
    reads: c.reads,
    writes: c.writes,
    busyMs: null,
  });
  const volumes = new Map(counters.filter((c) => c.kind === 'volume').map((c) => [c.name.toUpperCase(), c]));
  const mounts = new Map<string, MountIo>();
  for (const drive of drives) {
    const volume = volumes.get(drive.mountpoint.toUpperCase());
    if (volume) mounts.set(drive.mountpoint, { key: volume.name.toUpperCase(), ...io(volume) });
  }
  const disks = counters.filter((c) => c.kind === 'disk');
  return { mounts, machine: disks.length > 0 ? addCounters(disks.map(io)) : null, skipped: [] };
}

/** Busy % of a disk between two readings (as psutil and Windows' "% Idle Time" complement); null when it cannot be told. */
export function diskBusyPercent(before: DiskIoCounters, after: DiskIoCounters): number | null {
  if (after.queryTimeMs === null || before.queryTimeMs === null || after.idleTimeMs === null || before.idleTimeMs === null) return null;
  const elapsed = after.queryTimeMs - before.queryTimeMs;
  const idle = after.idleTimeMs - before.idleTimeMs;
  if (elapsed <= 0 || idle < 0) return null;
  return round2(Math.min(100, Math.max(0, (1 - idle / elapsed) * 100)));
}
