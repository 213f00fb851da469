// A filesystem's sizes from statfs, as every platform's disk list reads them.
import { statfs as statfsAsync } from 'node:fs/promises';
import type { DiskSizes } from '../types.js';
import { round2 } from '../format/round.js';
import { withDeadline } from './deadline.js';

export interface StatFsSizes {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

export type Statfs = (path: string) => Promise<StatFsSizes>;

/** Sizes as df counts them: used from bfree, free and the percentage from bavail (root's reserve is not free). */
export function diskStats(mount: { source: string; mountpoint: string; fstype: string }, s: StatFsSizes): DiskSizes {
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

/**
 * statfs per path, each call with its own deadline, so a hung network mount costs its own row,
 * never the tick. A statfs that outlives its deadline still holds one of libuv's 4 threads until
 * the kernel answers; while it does, that path is not asked again, so one hung server costs one
 * thread, not one per tick. undefined: no answer in time, a failure, or a pseudo filesystem that
 * slipped through the lists (0 blocks; df hides those too).
 */
export function boundedStatfs(timeoutMs: number, statfs: Statfs = (path) => statfsAsync(path)): (path: string) => Promise<StatFsSizes | undefined> {
  const pending = new Set<string>();
  return async (path) => {
    if (pending.has(path)) return undefined;
    pending.add(path);
    const call = statfs(path).finally(() => pending.delete(path));
    const sizes = await withDeadline(call, timeoutMs).catch(() => undefined);
    return sizes && sizes.blocks > 0 ? sizes : undefined;
  };
}
