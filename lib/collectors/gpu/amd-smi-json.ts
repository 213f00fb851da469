// Pure parser for `amd-smi metric --json`, `amd-smi static --json` and `amd-smi process --json`.
// Two top-level shapes exist: a bare array (older amd-smi) and `{"gpu_data": [...]}` (newer).
// Leaves are `{"value": N, "unit": "…"}`, a bare "N/A", or `{"value": "N/A", "unit": …}`.
// Memory comes in "MB" that are really MiB (amd-smi divides bytes by 1024²: an 8 GiB RX 6600 reports
// 8176 = 8192 − 16 reserved, a 64 GiB MI210 65520), and process memory in B.
import type { GpuProcess, GpuStats } from '../../types.js';
import { gpuStats } from './gpu-stats.js';
import { MIB, cell, freeOf } from './units.js';

type Json = unknown;

function gpuList(doc: Json): Record<string, Json>[] {
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' ? (doc as Record<string, Json>)['gpu_data'] : undefined;
  if (!Array.isArray(list)) throw new Error('amd-smi: unexpected JSON shape');
  return list.filter((g): g is Record<string, Json> => !!g && typeof g === 'object');
}

export function parseJson(text: string, tool = 'amd-smi'): Json {
  try {
    return JSON.parse(text.trim());
  } catch (error) {
    throw new Error(`${tool}: unreadable JSON (${(error as Error).message})`);
  }
}

function get(obj: Json, ...path: string[]): Json {
  let cur = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, Json>)[p] : undefined;
  return cur;
}

/** A reading in its unit, or null: accepts N, "N", {value, unit} with either, and all N/A spellings. */
export function reading(leaf: Json): { value: number; unit: string } | null {
  let value: Json = leaf;
  let unit = '';
  if (leaf && typeof leaf === 'object' && !Array.isArray(leaf)) {
    value = (leaf as Record<string, Json>)['value'];
    unit = String((leaf as Record<string, Json>)['unit'] ?? '');
  }
  if (typeof value === 'string') {
    if (cell(value) === null) return null;
    value = Number(value);
  }
  return typeof value === 'number' && Number.isFinite(value) ? { value, unit } : null;
}

function bytes(leaf: Json): number | null {
  const r = reading(leaf);
  if (!r) return null;
  const unit = r.unit.toUpperCase();
  const factor = unit === 'B' ? 1 : unit === 'KB' ? 1024 : unit === 'MB' ? MIB : unit === 'GB' ? MIB * 1024 : MIB;
  return Math.round(r.value * factor);
}

function value(leaf: Json): number | null {
  return reading(leaf)?.value ?? null;
}

function positive(v: number | null): number | null {
  return v !== null && v > 0 ? v : null;
}

function text(leaf: Json): string | null {
  return typeof leaf === 'string' ? cell(leaf) : null;
}

export interface AmdStatic {
  gpu: number;
  name: string | null;
  pciBusId: string | null;
  driverVersion: string | null;
  uuid: string | null;
  powerLimit: number | null;
  vramTotal: number | null;
}

/** `amd-smi static --json`: names, bus ids, driver. A truncated market name is kept as printed. */
export function parseAmdSmiStatic(textOut: string): AmdStatic[] {
  return gpuList(parseJson(textOut)).map((g, i) => {
    const market = text(get(g, 'asic', 'market_name'));
    const product = text(get(g, 'board', 'product_name'));
    const driver = text(get(g, 'driver', 'version'));
    return {
      gpu: typeof g['gpu'] === 'number' ? (g['gpu'] as number) : i,
      name: market && !/^0x[0-9a-f]+$/i.test(market) ? market : product,
      pciBusId: text(get(g, 'bus', 'bdf')),
      // Newer amd-smi prints the whole /proc/version with spaces stripped: not a version.
      driverVersion: driver && driver.length <= 40 ? driver : null,
      uuid: text(get(g, 'asic', 'asic_serial')),
      // An APU reports a 0 W limit: a placeholder, not a limit.
      powerLimit: positive(value(get(g, 'limit', 'max_power')) ?? value(get(g, 'limit', 'ppt0', 'max_power_limit'))),
      vramTotal: bytes(get(g, 'vram', 'size')),
    };
  });
}

/** `amd-smi metric --json`, optionally joined with `static` (by gpu number) for names. */
export function parseAmdSmiMetric(textOut: string, statics: readonly AmdStatic[] = []): GpuStats[] {
  return gpuList(parseJson(textOut)).map((g, i) => {
    const gpu = typeof g['gpu'] === 'number' ? (g['gpu'] as number) : i;
    const st = statics.find((s) => s.gpu === gpu);
    const total = bytes(get(g, 'mem_usage', 'total_vram')) ?? st?.vramTotal ?? null;
    const used = bytes(get(g, 'mem_usage', 'used_vram'));
    const free = bytes(get(g, 'mem_usage', 'free_vram')) ?? freeOf(total, used);
    return gpuStats({
      name: st?.name ?? 'AMD GPU',
      vendor: 'amd',
      index: gpu,
      memory: { total, used, free },
      usage: value(get(g, 'usage', 'gfx_activity')),
      temperature: value(get(g, 'temperature', 'edge')) ?? value(get(g, 'temperature', 'hotspot')),
      fanSpeed: value(get(g, 'fan', 'usage')),
      powerDraw: value(get(g, 'power', 'socket_power')) ?? value(get(g, 'power', 'average_socket_power')),
      clockCore: value(get(g, 'clock', 'gfx_0', 'clk')) ?? value(get(g, 'clock', 'gfx', 'clk')),
      clockMemory: value(get(g, 'clock', 'mem_0', 'clk')) ?? value(get(g, 'clock', 'mem', 'clk')),
      uuid: st?.uuid ?? null,
      pciBusId: st?.pciBusId ?? null,
      driverVersion: st?.driverVersion ?? null,
      powerLimit: st?.powerLimit ?? null,
      memoryUtilization: value(get(g, 'usage', 'umc_activity')),
    });
  });
}

/** `amd-smi process --json`: processes per GPU number, VRAM in bytes. */
export function parseAmdSmiProcess(textOut: string): Map<number, GpuProcess[]> {
  const map = new Map<number, GpuProcess[]>();
  gpuList(parseJson(textOut)).forEach((g, i) => {
    const gpu = typeof g['gpu'] === 'number' ? (g['gpu'] as number) : i;
    const list = Array.isArray(g['process_list']) ? (g['process_list'] as Json[]) : [];
    const procs: GpuProcess[] = [];
    for (const entry of list) {
      const info = get(entry, 'process_info') ?? entry;
      if (!info || typeof info !== 'object') continue; // "No running processes detected" strings
      procs.push({
        pid: value(get(info, 'pid')) ?? 0,
        name: text(get(info, 'name')) ?? '',
        usedMemory: bytes(get(info, 'memory_usage', 'vram_mem')),
      });
    }
    map.set(gpu, procs);
  });
  return map;
}
