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
    const columns = line.trim().split(/\s+/);
    if (columns.length === 1 && columns[0] === '') continue;
    const name = columns[2] ?? columns.join(' ');
    if (columns.length < MIN_COLUMNS) {
      skipped.push(`/proc/diskstats: ${name}: ${columns.length} columns, at least ${MIN_COLUMNS} needed`);
      continue;
    }
    const numbers = columns.slice(0, MIN_COLUMNS).map((c, i) => (i === 2 ? 0 : wholeNumber(c)));
    const bad = numbers.findIndex((n) => Number.isNaN(n));
    if (bad >= 0) {
      skipped.push(`/proc/diskstats: ${name}: column ${bad + 1} is not a counter (${JSON.stringify(columns[bad]!.slice(0, 20))})`);
      continue;
    }
    const [major, minor, , reads, , readSectors, , writes, , writtenSectors, , , busyMs] = numbers as number[];
    devices.push({
      major: major!,
      minor: minor!,
      devNum: `${major}:${minor}`,
      name,
      reads: reads!,
      readBytes: readSectors! * SECTOR_BYTES,
      writes: writes!,
      writtenBytes: writtenSectors! * SECTOR_BYTES,
      busyMs: busyMs!,
    });
  }
  return { devices, skipped };
}

function wholeNumber(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}
