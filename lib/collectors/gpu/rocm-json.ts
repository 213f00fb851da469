// Pure parser for `rocm-smi … --json` (ROCm 4.3 → 6.x, and the 2019 one-line form) and `--csv`.
// Keys drift between versions (`Card series`/`Card Series`, `(C)`/`(c)`, `Fan speed`/`Fan Speed`,
// `GPU memory use (%)` → `GPU Memory Allocated (VRAM%)`), so keys are matched case-insensitively by
// pattern. Every value is a string; "N/A", "N/A (Secondary die)" become null.
import type { GpuStats } from '../../types.js';
import { gpuStats } from './gpu-stats.js';
import { cell, freeOf, parseNumber, percentOf } from './units.js';

type Card = Record<string, unknown>;

function str(card: Card, ...patterns: RegExp[]): string | null {
  for (const p of patterns) {
    for (const [k, v] of Object.entries(card)) {
      if (p.test(k) && typeof v === 'string') {
        const c = cell(v);
        if (c !== null) return c;
      }
    }
  }
  return null;
}

function num(card: Card, ...patterns: RegExp[]): number | null {
  for (const p of patterns) {
    for (const [k, v] of Object.entries(card)) {
      if (!p.test(k)) continue;
      const n = typeof v === 'number' ? v : typeof v === 'string' ? parseNumber(v) : null;
      if (n !== null && Number.isFinite(n)) return n;
    }
  }
  return null;
}

/** A product name unless it is only a PCI id (`0x1002`, ROCm 4.3). */
function nameOf(card: Card): string {
  const candidates = [/^device name$/i, /^card series$/i, /^market name$/i, /^card model$/i];
  for (const p of candidates) {
    const v = str(card, p);
    if (v && !/^0x[0-9a-f]+$/i.test(v)) return v;
  }
  const id = str(card, /^gpu id$/i, /^device id$/i);
  return id ? `AMD GPU ${id}` : 'AMD GPU';
}

/** One GPU entry from one `cardN` object. */
export function gpuFromRocmCard(card: Card, index: number, driverVersion: string | null): GpuStats {
  const total = num(card, /^vram total memory \(b\)$/i);
  const used = num(card, /^vram total used memory \(b\)$/i);
  return gpuStats({
    name: nameOf(card),
    vendor: 'amd',
    index,
    memory: { total, used, free: freeOf(total, used), usedPercent: percentOf(used, total) ?? num(card, /^gpu memory allocated \(vram%\)$/i) },
    usage: num(card, /^gpu use \(%\)$/i),
    temperature: num(card, /^temperature \(sensor edge\) \(c\)$/i, /^temperature \(sensor junction\) \(c\)$/i),
    fanSpeed: num(card, /^fan speed \(%\)$/i),
    powerDraw: num(card,
      /^average graphics package power \(w\)$/i,
      /^current socket graphics package power \(w\)$/i,
      /^current graphics package power \(w\)$/i),
    clockCore: num(card, /^sclk clock speed:?$/i),
    clockMemory: num(card, /^mclk clock speed:?$/i),
    uuid: str(card, /^unique id$/i),
    pciBusId: str(card, /^pci bus$/i),
    driverVersion,
    powerLimit: num(card, /^max graphics package power \(w\)$/i),
    memoryUtilization: num(card, /^gpu memory use \(%\)$/i, /^gpu memory read\/write activity \(%\)$/i),
  });
}

/** Parse `rocm-smi … --json`. Leading blank lines are fine; `system` holds the driver version. */
export function parseRocmSmiJson(text: string): GpuStats[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.trim());
  } catch (error) {
    throw new Error(`rocm-smi: unreadable JSON (${(error as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('rocm-smi: unexpected JSON shape');
  const obj = doc as Record<string, unknown>;
  const system = obj['system'] as Card | undefined;
  const driverVersion = system ? str(system, /^driver version$/i) : null;
  return Object.keys(obj)
    .filter((k) => /^card\d+$/.test(k))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .map((k) => gpuFromRocmCard(obj[k] as Card, Number(k.slice(4)), driverVersion));
}

/** Parse `rocm-smi … --csv` (first column `device`, one row per card). Values never contain commas there. */
export function parseRocmSmiCsv(text: string): GpuStats[] {
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (rows.length === 0) return [];
  const header = rows[0]!.split(',');
  return rows.slice(1).map((line) => {
    const values = line.split(',');
    const card: Card = {};
    header.forEach((h, i) => { card[h.trim()] = values[i]?.trim() ?? ''; });
    const device = String(card['device'] ?? '');
    const index = /^card(\d+)$/.test(device) ? Number(device.slice(4)) : 0;
    return gpuFromRocmCard(card, index, null);
  });
}
