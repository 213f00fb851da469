// `vm_stat <seconds>`: a title with the page size, a column header, then one row per interval until
// killed (the title and header come again every so often). In each row free/active/specul/inactive/
// wired/prgable/file-backed/anonymous/cmprssor are page counts at that moment; faults, pageins,
// swapins and the other event columns are totals in the first row and per-interval deltas after it.
// A number that does not fit its column is scaled ("5919477K", binary multiples).
import type { MemoryStats } from '../../types.js';
import { parseScaled } from './units.js';
import { memoryStats } from '../../collectors/memory-stats.js';

export interface VmStatRow {
  pageSize: number;
  /** Column name → value (pages or events). */
  values: Map<string, number>;
}

/** Reads vm_stat's loop output line by line; returns a row for each data line, undefined for the rest. */
export function createVmStatReader(): (line: string) => VmStatRow | undefined {
  let pageSize: number | undefined;
  let columns: string[] | undefined;
  return (line) => {
    const title = /page size of (\d+) bytes/.exec(line);
    if (title) {
      pageSize = Number(title[1]);
      return undefined;
    }
    const trimmed = line.trim();
    if (trimmed === '') return undefined;
    if (/^[a-z]/i.test(trimmed)) {
      columns = trimmed.split(/\s+/);
      return undefined;
    }
    if (!columns || pageSize === undefined) throw new Error('vm_stat: a data row before the title and column header');
    const cells = trimmed.split(/\s+/);
    if (cells.length !== columns.length) throw new Error(`vm_stat: ${cells.length} values for ${columns.length} columns`);
    const values = new Map<string, number>();
    cells.forEach((c, i) => {
      const v = parseScaled(c);
      if (v === undefined) throw new Error(`vm_stat: unreadable value ${JSON.stringify(c)}`);
      values.set(columns![i]!, v);
    });
    return { pageSize, values };
  };
}

/**
 * Memory as gopsutil and psutil count it on macOS: available = free + speculative + inactive pages
 * (vm_stat prints "free" without the speculative pages the kernel's free count includes, so they
 * are added back; purgeable pages are already inside active/inactive and are not added again);
 * used = total − available; cached = file-backed pages (the file cache); buffers: macOS keeps no
 * separate buffer cache (0). `total` is the RAM size (os.totalmem() = hw.memsize).
 */
export function memoryFromVmStat(row: VmStatRow, total: number, swap: { total: number; used: number }): MemoryStats {
  const pages = (name: string): number => {
    const v = row.values.get(name);
    if (v === undefined) throw new Error(`vm_stat: no "${name}" column`);
    return v;
  };
  const free = pages('free') * row.pageSize;
  const speculative = pages('specul') * row.pageSize;
  const inactive = pages('inactive') * row.pageSize;
  const available = Math.min(total, free + speculative + inactive);
  const cached = (row.values.get('file-backed') ?? 0) * row.pageSize;
  return memoryStats({ total, available, free: free + speculative, cached, buffers: 0, swapTotal: swap.total, swapUsed: swap.used });
}
