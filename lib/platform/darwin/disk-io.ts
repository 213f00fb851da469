// The macOS disk I/O source: the machine-wide totals of `top`'s Disks line ("47141316/4825G read,
// 32699922/4607G written", cumulative since boot), read from the monitor's one top loop
// (top-pool.ts): no process started per tick. top has no per-disk figures, so every disk row keeps
// null I/O fields (an empty `mounts`).
import { COARSEST_RATE_STEP, type DiskIoReading, type DiskIoSource } from '../../collectors/disk-io.js';
import type { TopLease } from './top-pool.js';

export const TOP_DISK_IO_SOURCE = 'top loop';

export function topDiskIoSource(lease: TopLease, waitMs: number): DiskIoSource {
  return {
    name: TOP_DISK_IO_SOURCE,
    async read(): Promise<DiskIoReading> {
      const reading = await lease.read(undefined, waitMs);
      if (!reading) throw new Error('top: no sample yet');
      const disks = reading.sample.disks;
      if (!disks) return { mounts: new Map(), machine: null, skipped: ['diskIO: top printed no Disks line'], at: reading.at };
      const skipped = disks.granularity > COARSEST_RATE_STEP
        ? [`diskIO: no read/write rates: top prints the byte totals to the ${unitName(disks.granularity)}, too coarse for a per-second rate`]
        : [];
      return {
        mounts: new Map(),
        machine: { readBytes: disks.readBytes, writtenBytes: disks.writtenBytes, reads: disks.reads, writes: disks.writes, busyMs: null, granularity: disks.granularity },
        skipped,
        at: reading.at,
      };
    },
  };
}

function unitName(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  const i = Math.min(units.length - 1, Math.round(Math.log2(bytes) / 10));
  return units[i]!;
}
