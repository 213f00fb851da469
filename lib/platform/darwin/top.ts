// `top -l 0 -s <seconds> -stats pid,cpu,mem,state,command`: one sample every <seconds> until it is
// killed. A sample is a header ("Processes:", the time, "Load Avg:", "CPU usage:", "PhysMem:",
// "Networks:", "Disks:", …), a blank line, a column header ("PID COMMAND %CPU …" in the order
// -stats asked), and one row per process. The first sample's %CPU has no previous sample to measure
// against (top prints 0.0 or the lifetime figure there), so a reader skips it.
//
// COMMAND is cut to 16 characters and may contain spaces ("Notion Helpe"); every other column is one
// token, so a row is read by the header: the columns before COMMAND from the left, the ones after
// it from the right, and COMMAND is what lies between.
import { parseScaled, scaleOf } from './units.js';

export interface TopProcess {
  pid: number;
  command: string;
  /** %CPU over top's last interval; null where the sample has no such column. */
  cpu: number | null;
  /** Bytes (MEM: the process's memory footprint, what Activity Monitor shows). */
  mem: number | null;
  /** sleeping, running, stopped, zombie, stuck, halted, or '' when not asked. */
  state: string;
}

/** Cumulative since boot: top's `Disks: 47141316/4825G read, 32699922/4607G written.` */
export interface TopDiskCounters {
  reads: number;
  /** Bytes, as coarse as top prints them (4825G: to the GiB). */
  readBytes: number;
  writes: number;
  writtenBytes: number;
  /** The coarser of the two byte figures' units, bytes ("4825G": 1024³): how far the figures may be off. */
  granularity: number;
}

/** Cumulative since boot: `Networks: packets: 58024613/40G in, 43233080/8920M out.` */
export interface TopNetworkCounters {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
}

export interface TopSample {
  processes: TopProcess[];
  disks: TopDiskCounters | null;
  networks: TopNetworkCounters | null;
}

const DISKS = /^Disks:\s+(\d+)\/(\S+)\s+read,\s+(\d+)\/(\S+)\s+written/;
const NETWORKS = /^Networks:\s+packets:\s+(\d+)\/(\S+)\s+in,\s+(\d+)\/(\S+)\s+out/;

export function parseTopDisks(line: string): TopDiskCounters | null {
  const m = DISKS.exec(line.trim());
  if (!m) return null;
  const readBytes = parseScaled(m[2]!);
  const writtenBytes = parseScaled(m[4]!);
  if (readBytes === undefined || writtenBytes === undefined) return null;
  return { reads: Number(m[1]), readBytes, writes: Number(m[3]), writtenBytes, granularity: Math.max(scaleOf(m[2]!), scaleOf(m[4]!)) };
}

export function parseTopNetworks(line: string): TopNetworkCounters | null {
  const m = NETWORKS.exec(line.trim());
  if (!m) return null;
  const bytesIn = parseScaled(m[2]!);
  const bytesOut = parseScaled(m[4]!);
  if (bytesIn === undefined || bytesOut === undefined) return null;
  return { packetsIn: Number(m[1]), bytesIn, packetsOut: Number(m[3]), bytesOut };
}

/** One sample's text (from its "Processes:" line to the last row). Throws when it has no process table. */
export function parseTopSample(text: string): TopSample {
  const lines = text.split('\n');
  let disks: TopDiskCounters | null = null;
  let networks: TopNetworkCounters | null = null;
  let header: string[] | undefined;
  const processes: TopProcess[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (!header) {
      if (line.startsWith('Disks:')) disks = parseTopDisks(line);
      else if (line.startsWith('Networks:')) networks = parseTopNetworks(line);
      else if (/^PID\s/.test(line)) header = line.trim().split(/\s+/);
      continue;
    }
    if (line.trim() === '') continue;
    const row = parseRow(header, line);
    if (row) processes.push(row);
  }
  if (!header) throw new Error('top: no process table in the sample');
  return { processes, disks, networks };
}

function parseRow(header: readonly string[], line: string): TopProcess | null {
  const tokens = line.trim().split(/\s+/);
  const commandAt = header.indexOf('COMMAND');
  const cells = new Map<string, string>();
  if (commandAt < 0) {
    if (tokens.length !== header.length) return null;
    header.forEach((h, i) => cells.set(h, tokens[i]!));
  } else {
    const after = header.length - commandAt - 1;
    if (tokens.length < header.length) return null;
    for (let i = 0; i < commandAt; i++) cells.set(header[i]!, tokens[i]!);
    for (let i = 0; i < after; i++) cells.set(header[header.length - 1 - i]!, tokens[tokens.length - 1 - i]!);
    cells.set('COMMAND', tokens.slice(commandAt, tokens.length - after).join(' '));
  }
  const pid = Number(cells.get('PID'));
  if (!Number.isInteger(pid) || pid < 0) return null;
  const cpuText = cells.get('%CPU');
  const cpu = cpuText === undefined ? null : Number(cpuText);
  const memText = cells.get('MEM');
  return {
    pid,
    command: cells.get('COMMAND') ?? '',
    cpu: cpu !== null && Number.isFinite(cpu) ? cpu : null,
    mem: memText === undefined ? null : parseScaled(memText) ?? null,
    state: cells.get('STATE') ?? '',
  };
}

/**
 * Cuts top's endless output into samples: a sample starts at its "Processes:" line and is complete
 * when the next one starts, or when flush() says the output went quiet (top prints a whole sample
 * at once, then sleeps for the interval).
 */
export function createTopSplitter(onSample: (text: string) => void): { push(chunk: string): void; flush(): void } {
  let partial = '';
  let sample: string[] = [];
  const emit = () => {
    if (sample.length > 0) onSample(sample.join('\n'));
    sample = [];
  };
  return {
    push(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('Processes:')) emit();
        if (line.startsWith('Processes:') || sample.length > 0) sample.push(line);
      }
    },
    flush() {
      if (partial !== '') {
        if (partial.startsWith('Processes:')) emit();
        if (partial.startsWith('Processes:') || sample.length > 0) sample.push(partial);
        partial = '';
      }
      emit();
    },
  };
}
