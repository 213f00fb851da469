// Parses one /proc/<pid>/fdinfo/<fd> of a DRM file (kernel Documentation/gpu/drm-usage-stats.rst),
// and turns two readings of a client into a busy %. Pure: no file access here.
//
//   standard (amdgpu ≥ 5.19, i915, xe, msm, panfrost, panthor, v3d, …):
//     drm-driver, drm-pdev, drm-client-id, drm-engine-<e>: <ns> ns, drm-engine-capacity-<e>,
//     drm-cycles-<e> / drm-total-cycles-<e> (xe), drm-resident-<region> / drm-memory-<region>
//     (bytes when there is no unit, else KiB or MiB)
//   amdgpu of kernels 5.14–5.18 (Ubuntu 22.04's 5.15): `pdev:`, `vram mem: N kB`, `gfx0: 70.59%`
//     (the engines' busy share since the client started, already a percentage)
//
// Memory per client ("resident VRAM"): the resident size of the device-local regions, which each
// driver names differently: amdgpu `vram` (drm-resident-vram; drm-memory-vram before 6.x; `vram mem`
// on 5.14–5.18), i915 `local0` (discrete cards), xe `vram0` (and vram1 … per tile). A client of an
// integrated GPU has no device-local region; its GPU buffers are resident in system memory
// (i915 `system0`, xe `system` + `gtt`), and that is what is reported for it.

export interface DrmFdinfo {
  driver: string | null;
  /** PCI address, lower case, `0000:03:00.0`; null when the driver does not say (SoC GPUs). */
  pdev: string | null;
  /** Same id on every fd (and process) that shares one DRM client; null on amdgpu 5.14–5.18. */
  clientId: string | null;
  /** Busy nanoseconds per engine since the client opened the device. */
  engineNs: Record<string, number>;
  /** xe: busy cycles and the GPU timestamp per engine class. */
  cycles: Record<string, number>;
  totalCycles: Record<string, number>;
  /** Engines of one class (busy time can reach capacity × wall time); 1 when not given. */
  capacity: Record<string, number>;
  /** amdgpu 5.14–5.18: busy % per engine (`gfx0: 70.59%`), already a share, no delta needed. */
  enginePercent: Record<string, number>;
  /** Resident bytes in device-local memory; null when the client has no such region. */
  vram: number | null;
  /** Resident bytes in system memory on behalf of the GPU (integrated GPUs). */
  system: number | null;
  format: 'standard' | 'amdgpu-5.14';
}

const UNIT: Record<string, number> = { '': 1, B: 1, KiB: 1024, kB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const VRAM_REGION = /^(vram\d*|local\d*)$/;
const SYSTEM_REGION = /^(system\d*|gtt\d*)$/;

/** `23992 KiB` → bytes; `0` → 0; anything after the number and unit (an annotation) is ignored. */
function size(value: string): number | null {
  const m = /^(\d+)(?:\s*(B|KiB|kB|MiB|GiB)\b)?/.exec(value);
  if (!m) return null;
  return Number(m[1]) * UNIT[m[2] ?? '']!;
}

function count(value: string): number | null {
  const m = /^(\d+)/.exec(value);
  return m ? Number(m[1]) : null;
}

/** null when the text carries no DRM usage stats (not a DRM fd, or a driver without them). */
export function parseDrmFdinfo(text: string): DrmFdinfo | null {
  const info: DrmFdinfo = {
    driver: null, pdev: null, clientId: null, engineNs: {}, cycles: {}, totalCycles: {}, capacity: {},
    enginePercent: {}, vram: null, system: null, format: 'standard',
  };
  const resident: Record<string, number> = {};
  const legacyMemory: Record<string, number> = {};
  let drm = false;
  let oldAmd = false;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key.startsWith('drm-')) {
      drm = true;
      const k = key.slice(4);
      if (k === 'driver') info.driver = value;
      else if (k === 'pdev') info.pdev = value.toLowerCase();
      else if (k === 'client-id') info.clientId = value;
      else if (k.startsWith('engine-capacity-')) setNumber(info.capacity, k.slice(16), count(value));
      else if (k.startsWith('engine-')) setNumber(info.engineNs, k.slice(7), count(value));
      else if (k.startsWith('total-cycles-')) setNumber(info.totalCycles, k.slice(13), count(value));
      else if (k.startsWith('cycles-')) setNumber(info.cycles, k.slice(7), count(value));
      else if (k.startsWith('resident-')) setNumber(resident, k.slice(9), size(value));
      else if (k.startsWith('memory-')) setNumber(legacyMemory, k.slice(7), size(value));
    } else if (key === 'pdev') {
      oldAmd = true;
      info.pdev = value.toLowerCase();
    } else if (key === 'vram mem' || key === 'gtt mem') {
      oldAmd = true;
      setNumber(legacyMemory, key === 'vram mem' ? 'vram' : 'gtt', size(value));
    } else if (oldAmd && /^[a-z_]+\d+$/.test(key) && value.endsWith('%')) {
      const pct = Number.parseFloat(value);
      if (Number.isFinite(pct)) info.enginePercent[key] = pct;
    }
  }
  if (!drm && !oldAmd) return null;
  if (oldAmd && !drm) {
    info.format = 'amdgpu-5.14';
    info.driver = 'amdgpu';
  }
  // drm-resident-* is the standard key; amdgpu before it printed drm-memory-* (also resident sizes).
  const regions = Object.keys(resident).length > 0 ? resident : legacyMemory;
  info.vram = sumWhere(regions, VRAM_REGION);
  info.system = sumWhere(regions, SYSTEM_REGION);
  return info;
}

function setNumber(into: Record<string, number>, key: string, value: number | null): void {
  if (value !== null) into[key] = value;
}

function sumWhere(regions: Record<string, number>, pattern: RegExp): number | null {
  let total: number | null = null;
  for (const [region, bytes] of Object.entries(regions)) if (pattern.test(region)) total = (total ?? 0) + bytes;
  return total;
}

/** The memory a process list shows for the client: resident VRAM, or on an integrated GPU its resident system memory. */
export function clientMemory(info: DrmFdinfo): number | null {
  return info.vram ?? info.system;
}

/**
 * Busy % per engine class over the interval between two readings of one client: busy ns over wall
 * time (xe: busy cycles over elapsed GPU cycles), divided by the class's capacity. Counters that went
 * backwards (a new client reused the id) give nothing for that class.
 */
export function engineBusy(before: DrmFdinfo, after: DrmFdinfo, wallNs: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (after.format === 'amdgpu-5.14') return { ...after.enginePercent };
  const capacity = (e: string) => after.capacity[e] ?? 1;
  if (wallNs > 0) {
    for (const [engine, ns] of Object.entries(after.engineNs)) {
      const prev = before.engineNs[engine];
      if (prev === undefined || ns < prev) continue;
      out[engine] = ((ns - prev) / wallNs / capacity(engine)) * 100;
    }
  }
  for (const [engine, cycles] of Object.entries(after.cycles)) {
    const prev = before.cycles[engine];
    const total = after.totalCycles[engine];
    const prevTotal = before.totalCycles[engine];
    if (prev === undefined || total === undefined || prevTotal === undefined || cycles < prev || total <= prevTotal) continue;
    out[engine] = ((cycles - prev) / (total - prevTotal) / capacity(engine)) * 100;
  }
  return out;
}

/** The busiest engine class, 0–100, rounded to 0.01; null when no class could be measured. */
export function busiest(perEngine: Record<string, number>): number | null {
  const values = Object.values(perEngine);
  if (values.length === 0) return null;
  return Math.round(Math.min(100, Math.max(0, ...values)) * 100) / 100;
}
