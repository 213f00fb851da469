// `netstat -w <seconds>` (macOS): a two-line header ("input (Total) output" / "packets errs bytes
// packets errs bytes colls"), then one row per interval with what every interface (loopback
// included) moved during it. macOS's first row already covers one interval (FreeBSD adds an
// "idrops" column; both are read). The header comes again every so often.

export interface NetstatInterval {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
}

/** A data row, or undefined for a header line. Throws on a line that is neither. */
export function parseNetstatRow(line: string): NetstatInterval | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || /^[a-z(]/i.test(trimmed) || /input\s+\(/.test(trimmed)) return undefined;
  const cells = trimmed.split(/\s+/).map(Number);
  if (cells.some((n) => !Number.isFinite(n))) throw new Error(`netstat: unreadable row ${JSON.stringify(trimmed.slice(0, 80))}`);
  // packets errs [idrops] bytes packets errs bytes colls
  if (cells.length === 7) return { packetsIn: cells[0]!, bytesIn: cells[2]!, packetsOut: cells[3]!, bytesOut: cells[5]! };
  if (cells.length === 8) return { packetsIn: cells[0]!, bytesIn: cells[3]!, packetsOut: cells[4]!, bytesOut: cells[6]! };
  throw new Error(`netstat: ${cells.length} columns in a row (7 or 8 expected)`);
}
