import type { MemoryStats } from '../types.js';
import { round2 } from '../format/round.js';

/** The memory payload from a platform's figures: used = total − available, percentages with two decimals. */
export function memoryStats(m: {
  total: number; available: number; free: number; cached: number; buffers: number; swapTotal: number; swapUsed: number;
}): MemoryStats {
  const used = Math.max(0, m.total - m.available);
  return {
    total: m.total,
    available: m.available,
    used,
    usedPercent: percent(used, m.total),
    swap: { total: m.swapTotal, used: m.swapUsed, usedPercent: percent(m.swapUsed, m.swapTotal) },
    free: m.free,
    cached: m.cached,
    buffers: m.buffers,
  };
}

function percent(part: number, whole: number): number {
  return whole > 0 ? round2((part / whole) * 100) : 0;
}
