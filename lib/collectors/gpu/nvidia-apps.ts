// Pure parser for `nvidia-smi --query-compute-apps=… --format=csv[,noheader][,nounits]`.
// Header-only output means no process. Under MIG the rows carry the parent GPU's UUID.
import type { GpuProcess, GpuStats } from '../../types.js';
import { parseNvidiaCsv } from './nvidia-csv.js';
import { mibToBytes, parseNumber } from './units.js';

/** What this service asks for. */
export const DEFAULT_APP_FIELDS: readonly string[] = ['gpu_uuid', 'pid', 'process_name', 'used_gpu_memory'];

export interface GpuProcessRow extends GpuProcess {
  gpuUuid: string | null;
}

/** Parse compute-apps output. `fields` is the request (needed for noheader output). */
export function parseComputeApps(text: string, fields?: readonly string[]): GpuProcessRow[] {
  const table = parseNvidiaCsv(text, { fields, kind: 'apps', textColumn: 'process_name' });
  const rows: GpuProcessRow[] = [];
  for (const rec of table.rows) {
    const pid = parseNumber(rec['pid']);
    rows.push({
      gpuUuid: rec['uuid'] ?? null,
      pid: pid ?? 0,
      name: rec['process_name'] ?? '',
      usedMemory: mibToBytes(parseNumber(rec['used_gpu_memory'])),
    });
  }
  return rows;
}

/** Group processes by GPU UUID. */
export function processesByUuid(rows: readonly GpuProcessRow[]): Map<string, GpuProcess[]> {
  const map = new Map<string, GpuProcess[]>();
  for (const { gpuUuid, ...proc } of rows) {
    if (!gpuUuid) continue;
    const list = map.get(gpuUuid) ?? [];
    list.push(proc);
    map.set(gpuUuid, list);
  }
  return map;
}

/** Attach each GPU's processes (an empty list when it has none; untouched when it has no UUID). */
export function joinProcesses(gpus: readonly GpuStats[], byUuid: ReadonlyMap<string, GpuProcess[]>): GpuStats[] {
  return gpus.map((gpu) => (gpu.uuid ? { ...gpu, processes: byUuid.get(gpu.uuid) ?? [] } : gpu));
}
