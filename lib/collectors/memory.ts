import type si from 'systeminformation';
import { systeminformation } from './systeminformation.js';
import type { MemoryStats } from '../types.js';
import type { CollectorFactory } from './context.js';
import { poll, type Sampler, pollOptions } from './poll.js';
import { parseMeminfo } from '../procfs/meminfo.js';
import { readText } from '../procfs/read.js';
import { memoryStats } from './memory-stats.js';
import { darwinMemory } from '../platform/darwin/collectors.js';
import { win32MemorySampler, withAgent } from '../platform/win32/samplers.js';

export const MEMORY_PLACEHOLDER: MemoryStats = {
  total: 0,
  available: 0,
  used: 0,
  usedPercent: 0,
  swap: { total: 0, used: 0, usedPercent: 0 },
  free: 0,
  cached: 0,
  buffers: 0,
};

/** RAM and swap: /proc/meminfo on Linux; a vm_stat loop on macOS; Node's os and the agent's page file list on Windows. */
export const memoryCollector: CollectorFactory<MemoryStats> = (ctx) => (ctx.platform === 'darwin'
  ? darwinMemory(ctx, MEMORY_PLACEHOLDER)
  : ctx.platform === 'win32'
  ? withAgent(ctx, (lease) => poll(() => win32MemorySampler(lease), pollOptions(ctx, MEMORY_PLACEHOLDER)))
  : poll(
    (): Sampler<MemoryStats> => ({
      sample: ctx.platform === 'linux'
        ? () => ({ value: memoryFromMeminfo(parseMeminfo(readText(ctx.procRoot, 'meminfo'))), source: 'procfs' })
        : async () => ({ value: memoryFromSysteminformation(await (await systeminformation()).mem()), source: 'systeminformation' }),
    }),
    pollOptions(ctx, MEMORY_PLACEHOLDER),
  ));

/** used = total − available, as `free` and gopsutil count it (page cache that can be dropped is not "used"). */
export function memoryFromMeminfo(fields: ReadonlyMap<string, number>): MemoryStats {
  const get = (name: string) => fields.get(name) ?? 0;
  const total = get('MemTotal');
  const free = get('MemFree');
  const buffers = get('Buffers');
  // Reclaimable slab counts as cache, as in free's buff/cache and gopsutil.
  const cached = get('Cached') + get('SReclaimable');
  // Kernels before 3.14 have no MemAvailable; free + buffers + cache is the old estimate.
  const available = fields.get('MemAvailable') ?? Math.min(total, free + buffers + cached);
  const swapTotal = get('SwapTotal');
  const swapUsed = Math.max(0, swapTotal - get('SwapFree'));
  return memoryStats({ total, available, free, cached, buffers, swapTotal, swapUsed });
}

function memoryFromSysteminformation(mem: si.Systeminformation.MemData): MemoryStats {
  return memoryStats({
    total: mem.total,
    available: mem.available,
    free: mem.free,
    cached: mem.cached,
    buffers: mem.buffers,
    swapTotal: mem.swaptotal,
    swapUsed: mem.swapused,
  });
}
