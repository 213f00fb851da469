/** Cumulative counters of one interface, from /proc/net/dev. */
export interface InterfaceCounters {
  name: string;
  bytesRecv: number;
  packetsRecv: number;
  bytesSent: number;
  packetsSent: number;
}

/** Parses /proc/net/dev: two header lines, then `name: 8 receive columns 8 transmit columns`. */
export function parseNetDev(text: string): InterfaceCounters[] {
  const interfaces: InterfaceCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const columns = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (columns.length < 16) continue;
    interfaces.push({
      name: line.slice(0, colon).trim(),
      bytesRecv: columns[0]!,
      packetsRecv: columns[1]!,
      bytesSent: columns[8]!,
      packetsSent: columns[9]!,
    });
  }
  return interfaces;
}
