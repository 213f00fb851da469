// Finds the processes that use a GPU through DRM (amdgpu, i915, xe, msm, panfrost, …) and reads
// their per-client stats from /proc/<pid>/fdinfo (parsed by drm-fdinfo.ts).
//
// Cost: listing every fd of every process is the expensive part, so it runs on a slower cadence
// (rescanMs, like nvidia-smi's compute-apps query); each tick reads fdinfo only for the fds already
// known to be DRM files. A process is remembered by (pid, start time). A scan lists the fds of new
// processes, of processes still young (seen in the last `fullRescanEvery` scans: a GPU program opens
// the device as it starts) and of known GPU clients, readlinking only fd numbers it has not seen;
// every `fullRescanEvery` scans (a minute at the default cadence) it lists and readlinks every fd of
// every process, which finds a long-running process that opens a GPU late, or an fd number closed and
// reopened on a GPU. The device is never opened: an fd is a GPU client when its link reads
// /dev/dri/renderD* or /dev/dri/card*.
//
// Processes of other users cannot be read without privileges (EACCES on their fd directory); they
// are counted in `unreadable` and left out.
import { readdirSync, readlinkSync } from 'node:fs';
import { parsePidStat } from '../../procfs/pid-stat.js';
import { tryReadFast } from '../../procfs/read.js';
import type { GpuProcess } from '../../types.js';
import { displayName } from '../processes.js';
import type { CollectorContext } from '../context.js';
import { busiest, clientMemory, engineBusy, parseDrmFdinfo, type DrmFdinfo } from './drm-fdinfo.js';
import { readRuntimePm } from './runtime-pm.js';

export interface DrmClient {
  pid: number;
  name: string;
  /** The DRM node the fd opened: `renderD128`, `card1`. */
  node: string;
  /** PCI address from fdinfo (or from sysfs for the node when fdinfo has none). */
  pdev: string | null;
  driver: string | null;
  /** Bytes (see drm-fdinfo.ts for which region per driver); null when the driver gives no sizes. */
  memory: number | null;
  /** Resident bytes in device-local memory (VRAM) only. */
  vram: number | null;
  /** Busy % per engine class over the last interval; {} on the first reading of a client. */
  engines: Record<string, number>;
  /** The busiest engine class; null on the first reading of a client. */
  usage: number | null;
}

export interface DrmClientsReading {
  /** One per (device, client id), given to the lowest pid that holds it. */
  clients: DrmClient[];
  /** Processes whose fds could not be read (other users' processes without privileges). */
  unreadable: number;
}

export interface DrmClientOptions {
  procRoot: string;
  sysRoot: string;
  /** Cadence of the fd scan, ms. */
  rescanMs: number;
  now: () => number;
  /** Whether the device (its sysfs directory) is runtime-suspended: its clients' fdinfo is not read then (xe resumes the GPU to answer). */
  isAsleep?: (deviceDir: string) => boolean;
  /** Every how many scans every fd is readlinked again, not only new fd numbers. Default 6. */
  fullRescanEvery?: number;
}

interface Known {
  starttime: number;
  name: string;
  /** fd numbers seen at the last scan. */
  fds: Set<string>;
  /** fd number → DRM node name. */
  drm: Map<string, string>;
  /** Its fd links could not be read (another user's process). */
  denied: boolean;
  /** The scan that first saw it. */
  firstScan: number;
}

const DRM_LINK = /^\/dev\/dri\/((?:renderD|card)\d+)$/;

function listFds(dir: string): string[] | 'denied' | 'gone' {
  try {
    return readdirSync(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EACCES' ? 'denied' : 'gone';
  }
}

export interface DrmClientTracker {
  read(): DrmClientsReading;
}

export function createDrmClientTracker(options: DrmClientOptions): DrmClientTracker {
  const { procRoot, sysRoot } = options;
  const fullEvery = options.fullRescanEvery ?? 6;
  const known = new Map<number, Known>();
  const nodePdev = new Map<string, string | null>();
  const previous = new Map<string, { info: DrmFdinfo; at: number }>();
  let lastScanAt: number | undefined;
  let scans = 0;
  let unreadable = 0;

  const pdevOfNode = (node: string): string | null => {
    let pdev = nodePdev.get(node);
    if (pdev === undefined) {
      try {
        pdev = readlinkSync(`${sysRoot}/class/drm/${node}/device`).split('/').pop()!.toLowerCase();
      } catch {
        pdev = null;
      }
      nodePdev.set(node, pdev);
    }
    return pdev;
  };

  const identify = (pid: number): { starttime: number; name: string } | null => {
    const text = tryReadFast(`${procRoot}/${pid}/stat`);
    if (text === undefined) return null;
    try {
      const stat = parsePidStat(text);
      const argv0 = tryReadFast(`${procRoot}/${pid}/cmdline`)?.split('\0')[0];
      return { starttime: stat.starttime, name: displayName(stat.comm, argv0 || undefined) };
    } catch {
      return null;
    }
  };

  const scan = () => {
    const scan = scans++;
    const full = scan % fullEvery === 0;
    const seen = new Set<number>();
    let denied = 0;
    const entries = listFds(procRoot);
    for (const entry of Array.isArray(entries) ? entries : []) {
      const first = entry.charCodeAt(0);
      if (first < 48 || first > 57) continue;
      const pid = Number(entry);
      const before = known.get(pid);
      if (before && !full && before.drm.size === 0 && scan - before.firstScan >= fullEvery) {
        // An established process that is no GPU client: left to the next full pass.
        seen.add(pid);
        if (before.denied) denied++;
        continue;
      }
      const fds = listFds(`${procRoot}/${entry}/fd`);
      if (fds === 'gone') continue;
      if (fds === 'denied') {
        denied++;
        seen.add(pid);
        known.set(pid, { starttime: -1, name: '', fds: new Set(), drm: new Map(), denied: true, firstScan: before?.firstScan ?? scan });
        continue;
      }
      seen.add(pid);
      let k = known.get(pid);
      const unchanged = k !== undefined && sameSet(k.fds, fds);
      if (unchanged && !full) { if (k!.denied) denied++; continue; } // the common case: nothing opened or closed since the last scan
      let fresh = full || !k;
      let id: { starttime: number; name: string } | null = null;
      if (k && k.drm.size > 0 && !unchanged) {
        // A GPU client opened or closed something: make sure it is still the same process.
        id = identify(pid);
        if (!id) continue;
        if (id.starttime !== k.starttime) { k = undefined; fresh = true; }
      }
      const drm = new Map<string, string>();
      let linkDenied = false;
      for (const fd of fds) {
        if (!fresh && k!.fds.has(fd)) {
          const node = k!.drm.get(fd);
          if (node) drm.set(fd, node);
          continue;
        }
        try {
          const m = DRM_LINK.exec(readlinkSync(`${procRoot}/${entry}/fd/${fd}`));
          if (m) drm.set(fd, m[1]!);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EACCES') linkDenied = true;
        }
      }
      const linksDenied = linkDenied && drm.size === 0;
      if (linksDenied) denied++;
      let starttime = k?.starttime ?? -1;
      let name = k?.name ?? '';
      if (drm.size > 0 && (!k || k.drm.size === 0)) {
        // A new GPU client: its name and start time, once per process lifetime.
        id ??= identify(pid);
        if (!id) continue;
        ({ starttime, name } = id);
      }
      known.set(pid, { starttime, name, fds: new Set(fds), drm, denied: linksDenied, firstScan: k?.firstScan ?? scan });
    }
    for (const pid of known.keys()) if (!seen.has(pid)) known.delete(pid);
    unreadable = denied;
  };

  return {
    read(): DrmClientsReading {
      const now = options.now();
      if (lastScanAt === undefined || now - lastScanAt >= options.rescanMs) {
        scan();
        lastScanAt = now;
      }
      const byKey = new Map<string, DrmClient>();
      const pids = [...known.entries()].filter(([, k]) => k.drm.size > 0).sort((a, b) => a[0] - b[0]);
      const live = new Set<string>();
      for (const [pid, k] of pids) {
        for (const [fd, node] of k.drm) {
          const nodeDev = pdevOfNode(node);
          if (options.isAsleep?.(`${sysRoot}/class/drm/${node}/device`)) continue;
          const text = tryReadFast(`${procRoot}/${pid}/fdinfo/${fd}`);
          const info = text === undefined ? null : parseDrmFdinfo(text);
          if (!info) continue;
          const pdev = info.pdev ?? nodeDev;
          const key = `${pdev ?? node}|${info.clientId ?? `${pid}/${fd}`}`;
          if (byKey.has(key)) continue; // the same client through another fd or process
          live.add(key);
          const prev = previous.get(key);
          previous.set(key, { info, at: now });
          const engines = prev ? engineBusy(prev.info, info, (now - prev.at) * 1e6) : info.format === 'amdgpu-5.14' ? { ...info.enginePercent } : {};
          byKey.set(key, {
            pid, name: k.name, node, pdev, driver: info.driver, memory: clientMemory(info), vram: info.vram, engines,
            usage: prev || info.format === 'amdgpu-5.14' ? busiest(engines) ?? 0 : null,
          });
        }
      }
      for (const key of previous.keys()) if (!live.has(key)) previous.delete(key);
      return { clients: [...byKey.values()], unreadable };
    },
  };
}

function sameSet(a: Set<string>, b: string[]): boolean {
  if (a.size !== b.length) return false;
  for (const x of b) if (!a.has(x)) return false;
  return true;
}

/** The tracker of one GPU collector subscription, shared by its AMD and Intel back-ends; fdinfo of a sleeping device is not read. */
export function drmClientsFor(ctx: Pick<CollectorContext, 'procRoot' | 'sysRoot' | 'scheduler' | 'intervalMs'>, rescanMs: number): DrmClientTracker {
  const now = () => ctx.scheduler.now();
  const tracker = createDrmClientTracker({
    procRoot: ctx.procRoot, sysRoot: ctx.sysRoot, rescanMs, now,
    isAsleep: (dir) => readRuntimePm(dir).powerState === 'suspended',
  });
  return sharedReads(tracker, now, Math.min(50, ctx.intervalMs / 4));
}

/** What the GPU topic's `source` (in /api/health) adds: that fdinfo was read, and how many processes could not be. */
export function describeUnreadable(unreadable: number): string {
  return unreadable > 0
    ? ` + fdinfo (${unreadable} ${unreadable === 1 ? 'process' : 'processes'} of other users not readable: their GPU use is not listed)`
    : ' + fdinfo';
}

/**
 * Shares one tracker between the back-ends that read it on the same tick (AMD and Intel): a read
 * within `withinMs` of the last returns the same reading, so busy % deltas are not split.
 */
export function sharedReads(tracker: DrmClientTracker, now: () => number, withinMs: number): DrmClientTracker {
  let last: { at: number; reading: DrmClientsReading } | undefined;
  return {
    read() {
      const at = now();
      if (!last || at - last.at >= withinMs) last = { at, reading: tracker.read() };
      return last.reading;
    },
  };
}

/** The process list of one GPU (by PCI address), NVIDIA's shape plus busy %: a process holding several clients shows their sum. */
export function processesOf(clients: readonly DrmClient[], pdev: string | null): GpuProcess[] {
  const byPid = new Map<number, GpuProcess>();
  for (const c of clients) {
    if (!pdev || c.pdev !== pdev.toLowerCase()) continue;
    const p = byPid.get(c.pid);
    if (!p) {
      byPid.set(c.pid, { pid: c.pid, name: c.name, usedMemory: c.memory, usage: c.usage });
      continue;
    }
    if (c.memory !== null) p.usedMemory = (p.usedMemory ?? 0) + c.memory;
    if (c.usage !== null) p.usage = Math.max(p.usage ?? 0, c.usage);
  }
  return [...byPid.values()].sort((a, b) => (b.usedMemory ?? 0) - (a.usedMemory ?? 0) || a.pid - b.pid);
}

/** A GPU's busy %: every client's busy share summed per engine class, the busiest class; null before two readings. */
export function deviceUsage(clients: readonly DrmClient[], pdev: string | null): number | null {
  const sum: Record<string, number> = {};
  let measured = false;
  for (const c of clients) {
    if (!pdev || c.pdev !== pdev.toLowerCase() || c.usage === null) continue;
    measured = true;
    for (const [engine, pct] of Object.entries(c.engines)) sum[engine] = (sum[engine] ?? 0) + pct;
  }
  return measured ? busiest(sum) ?? 0 : null;
}

/** The VRAM the clients of one GPU hold: a lower bound of what is in use. */
export function clientsVram(clients: readonly DrmClient[], pdev: string | null): number {
  let total = 0;
  for (const c of clients) if (pdev && c.pdev === pdev.toLowerCase() && c.vram !== null) total += c.vram;
  return total;
}
