// The one place a GpuStats entry is built: every back-end's parser gives what it read, and this
// fills the nested `memory` object and the flat `memory*` fields from the same figures, in the
// contract's key order, with every field present (null where the back-end cannot tell).
import type { GpuPowerState, GpuProcess, GpuStats, GpuVendor } from '../../types.js';
import { percentOf } from './units.js';

export interface GpuReading {
  name: string;
  vendor: GpuVendor;
  index: number | null;
  /** Bytes. `usedPercent` defaults to used / total. */
  memory: { total: number | null; used: number | null; free: number | null; usedPercent?: number | null };
  usage?: number | null;
  temperature?: number | null;
  fanSpeed?: number | null;
  powerDraw?: number | null;
  clockCore?: number | null;
  clockMemory?: number | null;
  uuid?: string | null;
  pciBusId?: string | null;
  driverVersion?: string | null;
  powerLimit?: number | null;
  memoryUtilization?: number | null;
  encoderUtilization?: number | null;
  decoderUtilization?: number | null;
  /** null: this back-end cannot list processes, or has not listed them yet. */
  processes?: GpuProcess[] | null;
  powerState?: GpuPowerState;
}

export function gpuStats(r: GpuReading): GpuStats {
  const { total, used, free } = r.memory;
  const usedPercent = r.memory.usedPercent !== undefined ? r.memory.usedPercent : percentOf(used, total);
  return {
    name: r.name,
    usage: r.usage ?? null,
    memory: { total, used, free, usedPercent },
    temperature: r.temperature ?? null,
    fanSpeed: r.fanSpeed ?? null,
    powerDraw: r.powerDraw ?? null,
    clockCore: r.clockCore ?? null,
    clockMemory: r.clockMemory ?? null,
    memoryTotal: total,
    memoryUsed: used,
    memoryFree: free,
    memoryPercent: usedPercent,
    vendor: r.vendor,
    index: r.index,
    uuid: r.uuid ?? null,
    pciBusId: r.pciBusId ?? null,
    driverVersion: r.driverVersion ?? null,
    powerLimit: r.powerLimit ?? null,
    memoryUtilization: r.memoryUtilization ?? null,
    encoderUtilization: r.encoderUtilization ?? null,
    decoderUtilization: r.decoderUtilization ?? null,
    processes: r.processes ?? null,
    powerState: r.powerState ?? null,
  };
}

/** The vendor a GPU's name (or vendor string) says. */
export function vendorOf(text: string): GpuVendor {
  const t = text.toLowerCase();
  if (/nvidia/.test(t)) return 'nvidia';
  if (/amd|ati\b|advanced micro/.test(t)) return 'amd';
  if (/intel/.test(t)) return 'intel';
  if (/apple/.test(t)) return 'apple';
  return 'other';
}
