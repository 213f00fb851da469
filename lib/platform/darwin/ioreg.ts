// `ioreg -r -d 1 -w 0 -c IOAccelerator`: one entry per GPU service ("+-o <Class>  <class …, id 0x…>"
// then `"key" = value` lines). Values use the registry's own notation: numbers, "strings", <hex or
// "string" data>, {"k"=v,…} dictionaries, (a,b) arrays, Yes/No. Only what a GPU reading needs is
// read: PerformanceStatistics (a flat-enough dictionary), "model", "gpu-core-count", "IOClass".
import type { GpuStats, GpuVendor } from '../../types.js';
import { gpuStats } from '../../collectors/gpu/gpu-stats.js';

export type IoregValue = number | string | boolean | IoregValue[] | { [key: string]: IoregValue };

export interface AcceleratorEntry {
  className: string;
  /** Registry id ("0x10000087c"); an entry listed twice is one GPU. */
  id: string | null;
  properties: Map<string, IoregValue>;
}

const ENTRY = /^[\s|]*\+-o\s+(\S+)\s+<class\s+([^,>]+)(?:,\s*id\s+(0x[0-9a-f]+))?/i;
const PROPERTY = /^[\s|]*"((?:[^"\\]|\\.)*)"\s*=\s*(.*)$/;

/** Every entry in an ioreg dump, with its top-level properties parsed (unreadable values are skipped). */
export function parseIoreg(text: string): AcceleratorEntry[] {
  const entries: AcceleratorEntry[] = [];
  let current: AcceleratorEntry | undefined;
  for (const line of text.split('\n')) {
    const entry = ENTRY.exec(line);
    if (entry) {
      current = { className: entry[2]!.trim(), id: entry[3] ?? null, properties: new Map() };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    const property = PROPERTY.exec(line);
    if (!property) continue;
    try {
      current.properties.set(property[1]!, parseValue(property[2]!.trim()));
    } catch {
      // A value this parser does not know (a truncated line): the other properties still count.
    }
  }
  return entries;
}

/** One registry value (the text after `=`). Throws on text it cannot read. */
export function parseValue(text: string): IoregValue {
  const reader = { text, at: 0 };
  const value = readValue(reader);
  return value;
}

interface Reader { text: string; at: number }

function readValue(r: Reader): IoregValue {
  skipSpace(r);
  const c = r.text[r.at];
  if (c === '{') return readDictionary(r);
  if (c === '(') return readArray(r);
  if (c === '"') return readString(r);
  if (c === '<') return readData(r);
  const m = /^(-?\d+(?:\.\d+)?|Yes|No)/.exec(r.text.slice(r.at));
  if (!m) throw new Error(`ioreg: unreadable value at ${JSON.stringify(r.text.slice(r.at, r.at + 20))}`);
  r.at += m[1]!.length;
  if (m[1] === 'Yes') return true;
  if (m[1] === 'No') return false;
  return Number(m[1]);
}

function readDictionary(r: Reader): { [key: string]: IoregValue } {
  const out: { [key: string]: IoregValue } = {};
  r.at++; // {
  for (;;) {
    skipSpace(r);
    if (r.text[r.at] === '}') { r.at++; return out; }
    const key = readString(r);
    skipSpace(r);
    if (r.text[r.at] !== '=') throw new Error('ioreg: "=" expected in a dictionary');
    r.at++;
    out[key] = readValue(r);
    skipSpace(r);
    if (r.text[r.at] === ',') r.at++;
    else if (r.text[r.at] !== '}') throw new Error('ioreg: "," or "}" expected in a dictionary');
  }
}

function readArray(r: Reader): IoregValue[] {
  const out: IoregValue[] = [];
  r.at++; // (
  for (;;) {
    skipSpace(r);
    if (r.text[r.at] === ')') { r.at++; return out; }
    out.push(readValue(r));
    skipSpace(r);
    if (r.text[r.at] === ',') r.at++;
    else if (r.text[r.at] !== ')') throw new Error('ioreg: "," or ")" expected in an array');
  }
}

function readString(r: Reader): string {
  if (r.text[r.at] !== '"') throw new Error('ioreg: a quoted string expected');
  let out = '';
  for (let i = r.at + 1; i < r.text.length; i++) {
    const c = r.text[i]!;
    if (c === '\\') { out += r.text[++i] ?? ''; continue; }
    if (c === '"') { r.at = i + 1; return out; }
    out += c;
  }
  throw new Error('ioreg: unterminated string');
}

/** <6b100000> is hex data; <"Intel(R) UHD Graphics 630"> is a C string the driver stored as data. */
function readData(r: Reader): string {
  const end = r.text.indexOf('>', r.at);
  if (end < 0) throw new Error('ioreg: unterminated data');
  const inner = r.text.slice(r.at + 1, end);
  r.at = end + 1;
  return inner.startsWith('"') && inner.endsWith('"') ? inner.slice(1, -1) : inner;
}

function skipSpace(r: Reader): void {
  while (r.text[r.at] === ' ' || r.text[r.at] === '\t') r.at++;
}

/** What one accelerator says about itself, vendor-neutral (what GpuStats has no field for is kept here too). */
export interface AcceleratorReading {
  className: string;
  vendor: GpuVendor;
  model: string | null;
  coreCount: number | null;
  /** Device Utilization % (AMD: GPU Activity(%) when present), clamped to 0–100. */
  usage: number | null;
  /** The raw figure before clamping: Intel's counter can pass 100 (exelban/stats#649). */
  usageRaw: number | null;
  rendererUsage: number | null;
  tilerUsage: number | null;
  /** Bytes: Apple's "In use system memory", AMD's vramUsedBytes. */
  memoryUsed: number | null;
  /** Bytes the driver has allocated ("Alloc system memory"): more than in use, kept for reference. */
  memoryAllocated: number | null;
  /** Bytes of a discrete card's own memory (AMD: used + free); null for shared/unified memory. */
  vramTotal: number | null;
  temperature: number | null;
  fanSpeed: number | null;
  powerDraw: number | null;
  clockCore: number | null;
  clockMemory: number | null;
}

const num = (v: IoregValue | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: IoregValue | undefined): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function vendorOfClass(className: string): GpuVendor {
  if (/^AGX|^AppleM|^AppleParavirt/i.test(className)) return 'apple';
  if (/^Intel/i.test(className)) return 'intel';
  if (/^AMD|Radeon/i.test(className)) return 'amd';
  if (/^nv|GeForce|NVDA/i.test(className)) return 'nvidia';
  return 'other';
}

/**
 * The GPUs of a dump: entries with a PerformanceStatistics dictionary (helper services without one,
 * such as AppleParavirtGPU in a VM, are not GPUs with readings), each registry id once.
 */
export function readAccelerators(entries: readonly AcceleratorEntry[]): AcceleratorReading[] {
  const seen = new Set<string>();
  const out: AcceleratorReading[] = [];
  for (const entry of entries) {
    const stats = entry.properties.get('PerformanceStatistics');
    if (!stats || typeof stats !== 'object' || Array.isArray(stats)) continue;
    if (entry.id) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
    }
    const s = stats as { [key: string]: IoregValue };
    // AMD drivers leave "Device Utilization %" at 0 and report load as "GPU Activity(%)".
    const raw = num(s['GPU Activity(%)']) ?? num(s['Device Utilization %']);
    const vramUsed = num(s['vramUsedBytes']);
    const vramFree = num(s['vramFreeBytes']);
    out.push({
      className: str(entry.properties.get('IOClass')) ?? entry.className,
      vendor: vendorOfClass(entry.className),
      model: str(entry.properties.get('model')),
      coreCount: num(entry.properties.get('gpu-core-count')),
      usage: raw === null ? null : Math.min(100, Math.max(0, raw)),
      usageRaw: raw,
      rendererUsage: num(s['Renderer Utilization %']),
      tilerUsage: num(s['Tiler Utilization %']),
      memoryUsed: num(s['In use system memory']) ?? vramUsed,
      memoryAllocated: num(s['Alloc system memory']),
      vramTotal: vramUsed !== null && vramFree !== null ? vramUsed + vramFree : null,
      temperature: num(s['Temperature(C)']),
      fanSpeed: num(s['Fan Speed(%)']),
      powerDraw: num(s['Total Power(W)']),
      clockCore: num(s['Core Clock(MHz)']),
      clockMemory: num(s['Memory Clock(MHz)']),
    });
  }
  return out;
}

const VENDOR_NAMES: Record<GpuVendor, string> = { apple: 'Apple', intel: 'Intel', amd: 'AMD', nvidia: 'NVIDIA', other: 'Unknown' };

/**
 * GpuStats for each accelerator. An Apple-silicon GPU shares the machine's unified memory, so its
 * memory.total is the RAM size (`unifiedMemory`, os.totalmem()) and memory.used what the driver
 * has in use ("In use system memory"); a discrete AMD card has its own VRAM (used + free); an Intel
 * iGPU's share of RAM has no documented size, so its total stays null.
 */
export function acceleratorGpuStats(readings: readonly AcceleratorReading[], unifiedMemory: number): GpuStats[] {
  return readings.map((r, index) => {
    const total = r.vendor === 'apple' ? unifiedMemory : r.vramTotal;
    const used = r.memoryUsed;
    const free = total !== null && used !== null ? Math.max(0, total - used) : null;
    const base = r.model ?? `${VENDOR_NAMES[r.vendor]} GPU (${r.className})`;
    return gpuStats({
      name: r.coreCount !== null ? `${base} (${r.coreCount}-core GPU)` : base,
      vendor: r.vendor,
      index,
      memory: { total, used, free },
      usage: r.usage,
      temperature: r.temperature,
      fanSpeed: r.fanSpeed,
      powerDraw: r.powerDraw,
      clockCore: r.clockCore,
      clockMemory: r.clockMemory,
      processes: null,
    });
  });
}
