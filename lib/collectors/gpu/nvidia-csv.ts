// Pure parser for `nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]` output, one-shot or
// loop-mode. Columns are mapped by the order the fields were asked in (the header says canonical
// names, not what was asked: `gpu_name` → `name`, `clocks.gr` → `clocks.current.graphics`), units are
// stripped from values and header, every "no value" spelling becomes null, CRLF is accepted.
import type { GpuStats } from '../../types.js';
import { gpuStats } from './gpu-stats.js';
import { cell, mibToBytes, parseNumber } from './units.js';

/** What this service asks for. Every field exists on drivers from the last several years. */
export const DEFAULT_GPU_FIELDS: readonly string[] = [
  'index', 'uuid', 'name', 'pci.bus_id', 'driver_version',
  'utilization.gpu', 'utilization.memory', 'utilization.encoder', 'utilization.decoder',
  'memory.total', 'memory.used', 'memory.free',
  'temperature.gpu', 'fan.speed', 'power.draw', 'power.limit',
  'clocks.current.graphics', 'clocks.current.memory',
];

const ALIASES: Record<string, string> = {
  'clocks.gr': 'clocks.current.graphics', 'clocks.sm': 'clocks.current.sm', 'clocks.mem': 'clocks.current.memory',
  'clocks.video': 'clocks.current.video', 'clocks.applications.gr': 'clocks.applications.graphics',
  'clocks.applications.mem': 'clocks.applications.memory', 'clocks.default_applications.gr': 'clocks.default_applications.graphics',
  'clocks.default_applications.mem': 'clocks.default_applications.memory', 'clocks.max.gr': 'clocks.max.graphics',
  'clocks.max.mem': 'clocks.max.memory', 'gpu_name': 'name', 'gpu_bus_id': 'pci.bus_id', 'gpu_serial': 'serial',
  'gpu_uuid': 'uuid',
};
const APP_ALIASES: Record<string, string> = { name: 'process_name', used_memory: 'used_gpu_memory' };

/** The canonical name nvidia-smi prints in the header for a requested field (unit suffix removed). */
export function canonicalField(name: string, kind: 'gpu' | 'apps' = 'gpu'): string {
  const bare = name.replace(/\s*\[[^\]]*\]\s*$/, '').trim();
  if (kind === 'apps') return APP_ALIASES[bare] ?? ALIASES[bare] ?? bare;
  return (ALIASES[bare] ?? bare).replace(/^clocks_throttle_reasons\./, 'clocks_event_reasons.');
}

export class NvidiaParseError extends Error {
  override name = 'NvidiaParseError';
}

export type CsvRecord = Record<string, string | null>;

export interface CsvTable {
  /** Canonical column names, in output order. */
  columns: string[];
  rows: CsvRecord[];
}

export interface CsvOptions {
  /** The fields as requested, in order; columns are mapped by this order. Without it, the header names them. */
  fields?: readonly string[];
  kind?: 'gpu' | 'apps';
  /** A column whose values may themselves contain ', ' (process names): surplus cells are joined back into it. */
  textColumn?: string;
}

/** Lines of output, CRLF/CR tolerant, blank lines dropped. */
export function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
}

/** Is this line the header of a table with these columns (`memory.total [MiB]`, aliases canonicalised)? */
export function isHeaderLine(line: string, columns: readonly string[], kind: 'gpu' | 'apps' = 'gpu'): boolean {
  const cells = line.split(', ').map((c) => canonicalField(c, kind));
  return cells.length === columns.length && cells.every((c, i) => c === columns[i]);
}

/** Split one row into exactly `count` cells, or throw. */
export function splitRow(line: string, count: number, textIndex = -1): string[] {
  const cells = line.replace(/\r$/, '').split(', ');
  if (cells.length > count && textIndex >= 0) {
    const extra = cells.length - count;
    cells.splice(textIndex, extra + 1, cells.slice(textIndex, textIndex + extra + 1).join(', '));
  }
  if (cells.length !== count) {
    throw new NvidiaParseError(`unexpected output (${cells.length} values where ${count} were asked): ${clip(line)}`);
  }
  return cells.map((c) => c.trim());
}

/** Parse a whole `--format=csv…` output (header or not) into records keyed by canonical field name. */
export function parseNvidiaCsv(text: string, options: CsvOptions = {}): CsvTable {
  const kind = options.kind ?? 'gpu';
  const all = lines(text);
  let columns: string[];
  let body = all;
  if (options.fields) {
    columns = options.fields.map((f) => canonicalField(f, kind));
    if (all.length > 0 && isHeaderLine(all[0]!, columns, kind)) body = all.slice(1);
  } else {
    if (all.length === 0) throw new NvidiaParseError('empty output');
    columns = all[0]!.split(', ').map((c) => canonicalField(c, kind));
    if (!columns.every((c) => /^[a-z_][\w.]*$/i.test(c))) throw new NvidiaParseError(`no header: ${clip(all[0]!)}`);
    body = all.slice(1);
  }
  const textIndex = options.textColumn ? columns.indexOf(options.textColumn) : -1;
  const rows = body.map((line) => {
    const cells = splitRow(line, columns.length, textIndex);
    const record: CsvRecord = {};
    columns.forEach((c, i) => { record[c] = cell(cells[i]); });
    return record;
  });
  return { columns, rows };
}

function mib(raw: string | null | undefined): number | null {
  return mibToBytes(parseNumber(raw));
}

/** Build the GpuStats entry for one row (keys are canonical field names). */
export function gpuFromRecord(rec: CsvRecord, position: number): GpuStats {
  const reserved = mib(rec['memory.reserved']);
  let total = mib(rec['memory.total']);
  const used = mib(rec['memory.used']);
  const free = mib(rec['memory.free']);
  // Without memory.total, used + free + reserved is what the board has (nvidia-smi counts reserved apart).
  if (total === null && used !== null && free !== null && !('memory.total' in rec)) total = used + free + (reserved ?? 0);
  // Free is not derived: total − used would count the reserved memory as free.
  const index = parseNumber(rec['index']);
  return gpuStats({
    name: rec['name'] ?? 'NVIDIA GPU',
    vendor: 'nvidia',
    index: index ?? position,
    memory: { total, used, free },
    usage: parseNumber(rec['utilization.gpu']),
    temperature: parseNumber(rec['temperature.gpu']),
    fanSpeed: parseNumber(rec['fan.speed']),
    powerDraw: parseNumber(rec['power.draw']) ?? parseNumber(rec['power.draw.instant']) ?? parseNumber(rec['power.draw.average']),
    clockCore: parseNumber(rec['clocks.current.graphics']),
    clockMemory: parseNumber(rec['clocks.current.memory']),
    uuid: rec['uuid'] ?? null,
    pciBusId: rec['pci.bus_id'] ?? null,
    driverVersion: rec['driver_version'] ?? null,
    powerLimit: parseNumber(rec['power.limit']) ?? parseNumber(rec['enforced.power.limit']),
    memoryUtilization: parseNumber(rec['utilization.memory']),
    encoderUtilization: parseNumber(rec['utilization.encoder']),
    decoderUtilization: parseNumber(rec['utilization.decoder']),
  });
}

/** One-shot `--query-gpu` output to GPU entries. `fields` is the request (required for noheader output). */
export function parseQueryGpu(text: string, fields?: readonly string[]): GpuStats[] {
  const table = parseNvidiaCsv(text, { fields, kind: 'gpu', textColumn: 'name' });
  return table.rows.map((row, i) => gpuFromRecord(row, i));
}

/** Rows of one loop tick (already cut into a block) to GPU entries. */
export function parseBlock(rows: readonly string[], fields: readonly string[]): GpuStats[] {
  return parseQueryGpu(rows.join('\n'), fields);
}

export interface BlockSplitter {
  /** Feed a chunk of stdout (any size, may end mid-line). */
  push(chunk: string): void;
}

/**
 * Cut a loop-mode stream into ticks: nvidia-smi prints one row per GPU per tick with no separator,
 * so a block is `gpuCount` consecutive rows. A repeated header line (csv without noheader) is skipped.
 * When the rows carry an `index` column (first field), a row with index 0 always starts a new block,
 * so a tick with a GPU missing cannot shift every later block.
 */
export function createBlockSplitter(
  gpuCount: number,
  onBlock: (rows: string[]) => void,
  options: { header?: string[]; indexFirst?: boolean } = {},
): BlockSplitter {
  let partial = '';
  let block: string[] = [];
  const take = (line: string) => {
    if (line.trim() === '') return;
    if (options.header && isHeaderLine(line, options.header)) return;
    if (options.indexFirst && block.length > 0 && /^0,/.test(line)) {
      const short = block;
      block = [];
      onBlock(short);
    }
    block.push(line);
    if (block.length >= gpuCount) {
      const full = block;
      block = [];
      onBlock(full);
    }
  };
  return {
    push(chunk) {
      const text = partial + chunk;
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) take(line.replace(/\r$/, ''));
    },
  };
}

export function clip(text: string, max = 120): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 3) + '...' : one;
}
