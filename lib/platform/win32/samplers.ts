// The win32 collectors' readings: memory from Node (os.totalmem/freemem), everything else from
// the monitor's one agent child (agent-pool.ts). Nothing here starts a process per tick.
import { memoryStats } from '../../collectors/memory-stats.js';
import type { DiskSizes } from '../../types.js';
import os from 'node:os';
import { Observable, using } from 'rxjs';
import type { CollectorContext } from '../../collectors/context.js';
import type { Sampler } from '../../collectors/poll.js';
import type { InterfaceCounters } from '../../procfs/net-dev.js';
import type { MemoryStats, ProcessStats } from '../../types.js';
import type { StatFsSizes } from '../../collectors/disk-sizes.js';
import { createAgentPool, type AgentLease, type AgentPool } from './agent-pool.js';
import {
  driveStats,
  drivesFromAgent,
  networkCountersFromAgent,
  physicalCoresFromAgent,
  processesFromAgent,
  processStatsFromAgent,
  selectDrives,
  swapFromAgent,
  diskIoCountersFromAgent,
  diskIoReadingFromAgent,
  driveFstype,
  type AgentDrive,
  type AgentProcess,
} from './mapping.js';
import type { DiskIoSource } from '../../collectors/disk-io.js';

export const AGENT_SOURCE = 'powershell agent';

const fallbackPools = new WeakMap<object, AgentPool>();

/** The context's agent pool, or one of its own for a context made without (a library user's). */
export function agentPool(ctx: Pick<CollectorContext, 'agent'>): AgentPool {
  if (ctx.agent) return ctx.agent;
  let pool = fallbackPools.get(ctx);
  if (!pool) fallbackPools.set(ctx, (pool = createAgentPool()));
  return pool;
}

/** `body`'s stream holding a lease on the agent for as long as it is subscribed. */
export function withAgent<T>(ctx: Pick<CollectorContext, 'agent'>, body: (lease: AgentLease) => Observable<T>): Observable<T> {
  return using(
    () => {
      const lease = agentPool(ctx).acquire();
      return { unsubscribe: () => lease.release(), lease };
    },
    (resource) => body((resource as unknown as { lease: AgentLease }).lease),
  );
}

/** RAM from Node: on Windows os.freemem() is GlobalMemoryStatusEx's ullAvailPhys, i.e. "available". Swap: the page files. */
export function win32MemorySampler(lease: AgentLease, mem = { total: () => os.totalmem(), available: () => os.freemem() }): Sampler<MemoryStats> {
  return {
    async sample(signal) {
      const swap = swapFromAgent(await lease.request('swap', { signal }));
      const total = mem.total();
      const available = mem.available();
      return { source: `os + ${AGENT_SOURCE}`, value: win32MemoryStats(total, available, swap) };
    },
  };
}

/**
 * Windows has no free/cached/buffers split Node can read: free is the available memory (standby
 * pages included, as Task Manager's "Available"), cached and buffers 0 as systeminformation had them.
 */
export function win32MemoryStats(total: number, available: number, swap: { total: number; used: number }): MemoryStats {
  return memoryStats({ total, available, free: available, cached: 0, buffers: 0, swapTotal: swap.total, swapUsed: swap.used });
}

export function win32NetworkCounters(lease: AgentLease): (signal?: AbortSignal) => Promise<InterfaceCounters[]> {
  return async (signal) => networkCountersFromAgent(await lease.request('network', { signal }));
}

export function win32PhysicalCores(lease: AgentLease): () => Promise<number | null> {
  return async () => physicalCoresFromAgent(await lease.request('cpu'));
}

/** Per-interval CPU % from the processor time the agent reports, like top; a baseline first. */
export function win32ProcessSampler(
  lease: AgentLease,
  ctx: Pick<CollectorContext, 'scheduler'>,
  memTotal: () => number = () => os.totalmem(),
): Sampler<ProcessStats[]> {
  let before: { at: number; byPid: Map<number, Pick<AgentProcess, 'cpuMs' | 'startedMs'>> } | undefined;
  const read = async (signal: AbortSignal) => {
    const list = processesFromAgent(await lease.request('processes', { signal }));
    return { at: ctx.scheduler.now(), list };
  };
  const remember = (at: number, list: AgentProcess[]) => {
    before = { at, byPid: new Map(list.map((p) => [p.pid, { cpuMs: p.cpuMs, startedMs: p.startedMs }])) };
  };
  return {
    async baseline(signal) {
      const { at, list } = await read(signal);
      remember(at, list);
    },
    async sample(signal) {
      const { at, list } = await read(signal);
      const seconds = before ? (at - before.at) / 1000 : 0;
      const stats = processStatsFromAgent(list, before?.byPid, seconds, memTotal());
      remember(at, list);
      stats.sort((a, b) => b.cpu - a.cpu || b.rss - a.rss || a.pid - b.pid);
      return { source: AGENT_SOURCE, value: stats };
    },
  };
}

export interface Win32DiskOptions {
  includeNetworkFs: boolean;
  /** statfs with its deadline (disk-sizes.ts boundedStatfs). */
  sizeOf: (path: string) => Promise<StatFsSizes | undefined>;
}

/** The sizes half of the Windows disk reading, in the shape disk.ts's withDiskIo joins with the I/O half. */
export interface Win32DiskSizes {
  readonly name: string;
  /** The listed drives (the agent's drive list), what the I/O baseline matches its volumes to. */
  mounts(signal?: AbortSignal): Promise<DriveRef[]>;
  sizes(signal?: AbortSignal): Promise<{ mounts: DriveRef[]; sizes: DiskSizes[] }>;
}

/** A listed drive as the disk collector's MountRef: the drive root is its device and its mount. */
export interface DriveRef { device: string; mountpoint: string; source: string; fstype: string }

/**
 * The drive list and file systems from the agent, sizes from fs.statfs (GetDiskFreeSpaceW) per
 * drive, each with its own deadline: a hung network drive costs its own row, never the tick. A
 * statfs still running is not asked again, so one hung drive holds one libuv thread, not one per tick.
 */
export function win32DiskSizes(lease: AgentLease, options: Win32DiskOptions): Win32DiskSizes {
  const drives = async (signal?: AbortSignal) =>
    selectDrives(drivesFromAgent(await lease.request('drives', signal ? { signal } : {})), options.includeNetworkFs);
  const ref = (drive: AgentDrive): DriveRef => ({ device: drive.name, mountpoint: drive.name, source: drive.name, fstype: driveFstype(drive) });
  return {
    name: `${AGENT_SOURCE} + statfs`,
    mounts: async (signal) => (await drives(signal)).map(ref),
    async sizes(signal) {
      const listed = await drives(signal);
      const sized = await Promise.all(listed.map(async (drive) => {
        const sizes = await options.sizeOf(drive.name);
        return sizes ? driveStats(drive, sizes) : undefined;
      }));
      return { mounts: listed.map(ref), sizes: sized.filter((d): d is DiskSizes => d !== undefined) };
    },
  };
}

/**
 * The disk I/O source of Windows: one "diskio" request to the agent per reading (IOCTL_DISK_PERFORMANCE
 * on each physical disk and on each drive's volume, answered over stdin: no process started).
 */
export function win32DiskIoSource(lease: AgentLease): DiskIoSource {
  return {
    name: 'IOCTL_DISK_PERFORMANCE',
    async read(mounts) {
      return diskIoReadingFromAgent(diskIoCountersFromAgent(await lease.request('diskio')), mounts);
    },
  };
}
