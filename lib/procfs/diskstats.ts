/** Counters of one block device from /proc/diskstats (Documentation/admin-guide/iostats.rst). */
export interface DiskstatsDevice {
  major: number;
  minor: number;
  /** `major:minor`, as /proc/self/mountinfo writes it. */
  devNum: string;
  name: string;
  reads: number;
  readBytes: number;
  writes: number;
  writtenBytes: number;
  /** Field 10: milliseconds with I/O in flight. */
  busyMs: number;
}

export interface ParsedDiskstats {
  devices: DiskstatsDevice[];
  /** Lines left out, each with why. */
  skipped: string[];
}

/**
 * /proc/diskstats counts in 512-byte sectors whatever the device's logical block size
 * (include/linux/types.h: "Linux always considers sectors to be 512 bytes long").
 */
export const SECTOR_BYTES = 512;

/** major, minor, name, then 11 counters (before 4.18); 4.18 appended 4 discard fields, 5.5 two flush fields. */
const MIN_COLUMNS = 14;

/**
 * Parses /proc/diskstats. Columns are read by position from the start: kernels only append, so
 * 14, 18 and 20 columns (and whatever a later kernel appends) read the same. A line with fewer
 * than 14 columns or a counter that is not a whole number is skipped with a reason, never read as 0.
 */
export function parseDiskstats(text: string): ParsedDiskstats {
  const devices: DiskstatsDevice[] = [];
  const skipped: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const columns = trimmed.split(/\s+/);
    const name = columns[2] ?? trimmed;
    if (columns.length < MIN_COLUMNS) {
      skipped.push(`/proc/diskstats: ${name}: ${columns.length} columns, at least ${MIN_COLUMNS} needed`);
      continue;
    }
    // Only the columns read are checked (this runs every tick): 1-2, 4, 6, 8, 10 and 13.
    const major = counter(columns[0]!);
    const minor = counter(columns[1]!);
    const reads = counter(columns[3]!);
    const readSectors = counter(columns[5]!);
    const writes = counter(columns[7]!);
    const writtenSectors = counter(columns[9]!);
    const busyMs = counter(columns[12]!);
    const values = [major, minor, reads, readSectors, writes, writtenSectors, busyMs];
    const bad = values.indexOf(-1);
    if (bad >= 0) {
      const column = [0, 1, 3, 5, 7, 9, 12][bad]!;
      skipped.push(`/proc/diskstats: ${name}: column ${column + 1} is not a counter (${JSON.stringify(columns[column]!.slice(0, 20))})`);
      continue;
    }
    devices.push({
      major,
      minor,
      devNum: `${major}:${minor}`,
      name,
      reads,
      readBytes: readSectors * SECTOR_BYTES,
      writes,
      writtenBytes: writtenSectors * SECTOR_BYTES,
      busyMs,
    });
  }
  return { devices, skipped };
}

/** A whole decimal number, or -1 (Number() alone would take '', '0x1f' and '1e3'). */
function counter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(text);
}
