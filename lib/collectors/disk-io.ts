// The platform-neutral half of disk I/O: what a platform source hands over (cumulative counters),
// and the one pure computation that turns two readings into the rates of DiskStats and DiskIoTotals.
import type { DiskIoTotals, DiskStats } from '../types.js';
import { round2 } from '../format/round.js';

/** Cumulative counters of one device (or of the whole machine) since boot. null: the platform cannot say. */
export interface IoCounters {
  readBytes: number;
  writtenBytes: number;
  /** Read and write requests completed. */
  reads: number | null;
  writes: number | null;
  /** Milliseconds the device had I/O in flight (diskstats' "time spent doing I/Os"). */
  busyMs: number | null;
  /**
   * How coarse the byte counters are, in bytes (1 when exact; macOS `top` prints "4825G": 1 GiB).
   * Coarser than COARSEST_RATE_STEP, no byte rate is computed: it would be 0 most ticks and a jump
   * of a whole step in one, i.e. made up.
   */
  granularity?: number;
}

/** The coarsest byte counter a per-second rate is computed from (1 MiB: ±0.5 MiB/s at 2 s). */
export const COARSEST_RATE_STEP = 1024 ** 2;

/** The counters of the device behind one listed filesystem. */
export interface MountIo extends IoCounters {
  /**
   * Which device the counters belong to ('8:1', 'sda1', …): mounts with one key share one set of
   * counters (bind mounts), and a rate is only computed against an earlier reading of the same key.
   */
  key: string;
}

/** One reading of a platform source. */
export interface DiskIoReading {
  /** By mountpoint; a listed filesystem with no entry gets null I/O fields (network, tmpfs, macOS). */
  mounts: ReadonlyMap<string, MountIo>;
  /** The physical disks summed, each once; null where the platform cannot say. */
  machine: IoCounters | null;
  /** Devices or lines left out, each with why: shown in /api/health. */
  skipped: string[];
  /**
   * When the counters were taken (scheduler ms), where that is not when read() answered: a loop
   * tool's latest sample (macOS top). Two reads of one sample then have no time between: no rate.
   */
  at?: number;
}

/**
 * What a platform implements to fill the I/O fields: a cheap reading of cumulative counters (no
 * process started per tick). `mounts` are the filesystems the disk list measures this tick.
 * A source with only machine-wide totals (macOS `top`) returns an empty `mounts` map.
 */
export interface DiskIoSource {
  /** Name shown as the collector's source beside the sizes' ('procfs', 'top', …). */
  readonly name: string;
  read(mounts: readonly MountRef[]): DiskIoReading | Promise<DiskIoReading>;
}

export interface MountRef {
  /** `major:minor` on Linux; the platform's own device id elsewhere. */
  device: string;
  mountpoint: string;
  /** What was mounted ('/dev/sda1', …). */
  source: string;
  fstype: string;
}

/** A reading kept for the next rate: when (scheduler ms) and the counters by key. */
export interface IoSnapshot {
  at: number;
  byKey: ReadonlyMap<string, IoCounters>;
  machine: IoCounters | null;
}

export type DiskIoFields = Pick<DiskStats,
  'readBytesPerSec' | 'writeBytesPerSec' | 'readsPerSec' | 'writesPerSec' | 'busyPercent' | 'readBytes' | 'writtenBytes'
  | 'reads' | 'writes' | 'ioTime'>;

export const NO_DISK_IO: Readonly<DiskIoFields> = Object.freeze({
  readBytesPerSec: null,
  writeBytesPerSec: null,
  readsPerSec: null,
  writesPerSec: null,
  busyPercent: null,
  readBytes: null,
  writtenBytes: null,
  reads: null,
  writes: null,
  ioTime: null,
});

export const NO_DISK_IO_TOTALS: Readonly<DiskIoTotals> = Object.freeze({
  readBytesPerSec: null,
  writeBytesPerSec: null,
  readBytes: null,
  writtenBytes: null,
});

export function snapshotOf(reading: DiskIoReading, at: number): IoSnapshot {
  const byKey = new Map<string, IoCounters>();
  for (const io of reading.mounts.values()) byKey.set(io.key, io);
  return { at, byKey, machine: reading.machine };
}

/** Per second between two readings; null without an earlier one, with no time between, or when the counter went backwards. */
function perSecond(now: number | null, then: number | null | undefined, seconds: number): number | null {
  if (now === null || then === null || then === undefined || seconds <= 0 || now < then) return null;
  return round2((now - then) / seconds);
}

/** The I/O fields of one device, from its counters now and at the previous reading (`undefined`: none). */
export function ioFields(now: IoCounters, then: IoCounters | undefined, seconds: number): DiskIoFields {
  const busy = perSecond(now.busyMs, then?.busyMs, seconds);
  const exact = (now.granularity ?? 1) <= COARSEST_RATE_STEP;
  return {
    readBytesPerSec: exact ? perSecond(now.readBytes, then?.readBytes, seconds) : null,
    writeBytesPerSec: exact ? perSecond(now.writtenBytes, then?.writtenBytes, seconds) : null,
    readsPerSec: perSecond(now.reads, then?.reads, seconds),
    writesPerSec: perSecond(now.writes, then?.writes, seconds),
    // ms busy per s elapsed / 10 = percent; the kernel's tick accounting can overshoot the wall clock a little.
    busyPercent: busy === null ? null : Math.min(100, round2(busy / 10)),
    readBytes: now.readBytes,
    writtenBytes: now.writtenBytes,
    reads: now.reads,
    writes: now.writes,
    ioTime: now.busyMs === null ? null : now.busyMs / 1000,
  };
}

export function totalsOf(now: IoCounters | null, then: IoCounters | null | undefined, seconds: number): DiskIoTotals {
  if (!now) return NO_DISK_IO_TOTALS;
  if ((now.granularity ?? 1) > COARSEST_RATE_STEP) {
    return { readBytesPerSec: null, writeBytesPerSec: null, readBytes: now.readBytes, writtenBytes: now.writtenBytes };
  }
  return {
    readBytesPerSec: perSecond(now.readBytes, then?.readBytes, seconds),
    writeBytesPerSec: perSecond(now.writtenBytes, then?.writtenBytes, seconds),
    readBytes: now.readBytes,
    writtenBytes: now.writtenBytes,
  };
}

/**
 * The rates of one reading against the previous snapshot (undefined on the very first reading:
 * every rate null, the counters as they are). Pure: the caller keeps the snapshots.
 */
export function ioRates(
  reading: DiskIoReading,
  previous: IoSnapshot | undefined,
  at: number,
): { perMount: Map<string, DiskIoFields>; totals: DiskIoTotals } {
  const seconds = previous ? (at - previous.at) / 1000 : 0;
  const perMount = new Map<string, DiskIoFields>();
  for (const [mountpoint, io] of reading.mounts) {
    perMount.set(mountpoint, ioFields(io, previous?.byKey.get(io.key), seconds));
  }
  return { perMount, totals: totalsOf(reading.machine, previous?.machine, seconds) };
}

/** Adds counters (machine-wide sums); a field any part cannot give is null in the sum. */
export function addCounters(parts: readonly IoCounters[]): IoCounters {
  const sum = (pick: (c: IoCounters) => number | null): number | null => {
    let total = 0;
    for (const c of parts) {
      const v = pick(c);
      if (v === null) return null;
      total += v;
    }
    return total;
  };
  return {
    readBytes: sum((c) => c.readBytes)!,
    writtenBytes: sum((c) => c.writtenBytes)!,
    reads: sum((c) => c.reads),
    writes: sum((c) => c.writes),
    busyMs: sum((c) => c.busyMs),
  };
}
