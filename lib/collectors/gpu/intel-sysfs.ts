// Reads Intel GPUs (i915 and xe drivers) from sysfs: no tool, no root, a few small reads.
//   <sysRoot>/class/drm/cardN/device/{vendor,device,uevent}       name (pci.ids), driver, bus id
//   i915: <sysRoot>/class/drm/cardN/gt_act_freq_mhz               actual GPU clock, MHz
//   xe:   <device>/tile0/gt0/freq0/act_freq                       actual GPU clock, MHz
//   xe:   <device>/tileT/physical_vram_size_bytes                 VRAM of a discrete card (summed over tiles)
//   <device>/hwmon/hwmonM/{energy1_input (µJ), power1_max (µW), tempN_input (m°C)}  (discrete cards; iGPUs have none)
// Busy % and memory in use come from the DRM clients' fdinfo (drm-clients.ts): the kernel offers no
// busy counter readable without root (the PMU needs CAP_PERFMON), which is how nvtop does it too.
// Used memory is the sum of the clients' resident VRAM: a lower bound (kernel-internal buffers and
// clients of other users are not counted).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { lookupPciName } from '../../procfs/pci.js';
import { tryReadFast } from '../../procfs/read.js';
import type { GpuPowerState } from '../../types.js';
import { readRuntimePm } from './runtime-pm.js';

const INTEL_VENDOR = '0x8086';

export interface IntelCard {
  card: string;
  /** <sysRoot>/class/drm/cardN */
  dir: string;
  device: string;
  driver: 'i915' | 'xe';
}

/** What sysfs says about one card at one moment; busy %, used memory and power need other readings. */
export interface IntelSysfsReading {
  card: string;
  index: number;
  name: string;
  driver: 'i915' | 'xe';
  pciBusId: string | null;
  clockCore: number | null;
  vramTotal: number | null;
  temperature: number | null;
  /** Cumulative energy counter, µJ (converted to W from two readings). */
  energyMicroJoules: number | null;
  powerLimit: number | null;
  powerState: GpuPowerState;
}

function read(file: string): string | null {
  return tryReadFast(file)?.trim() ?? null;
}

function int(file: string): number | null {
  const text = read(file);
  return text !== null && /^-?\d+$/.test(text) ? Number(text) : null;
}

function dirs(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir).filter((d) => pattern.test(d)).sort((a, b) => Number(a.replace(/\D+/g, '')) - Number(b.replace(/\D+/g, '')));
  } catch {
    return [];
  }
}

/** The cards driven by i915 or xe, in card order (connectors such as card0-eDP-1 are skipped). */
export function findIntelCards(sysRoot: string): IntelCard[] {
  const drm = path.join(sysRoot, 'class', 'drm');
  const out: IntelCard[] = [];
  for (const card of dirs(drm, /^card\d+$/)) {
    const dir = path.join(drm, card);
    const device = path.join(dir, 'device');
    if (read(path.join(device, 'vendor'))?.toLowerCase() !== INTEL_VENDOR) continue;
    const driver = /^DRIVER=(.*)$/m.exec(read(path.join(device, 'uevent')) ?? '')?.[1]?.trim();
    if (driver !== 'i915' && driver !== 'xe') continue;
    out.push({ card, dir, device, driver });
  }
  return out;
}

/**
 * One card's sysfs files. A suspended card is not read past its identity and VRAM size (files the
 * driver answers from memory): clocks, power and temperature would wake it.
 */
export function readIntelCard(c: IntelCard): IntelSysfsReading {
  const { powerState } = readRuntimePm(c.device);
  const deviceId = read(path.join(c.device, 'device'));
  const pciBusId = /^PCI_SLOT_NAME=(.*)$/m.exec(read(path.join(c.device, 'uevent')) ?? '')?.[1]?.trim() ?? null;
  const name = (deviceId ? lookupPciName(INTEL_VENDOR, deviceId) : null) ?? (deviceId ? `Intel GPU ${deviceId}` : 'Intel GPU');
  let vramTotal: number | null = null;
  if (c.driver === 'xe') {
    for (const tile of dirs(c.device, /^tile\d+$/)) {
      const bytes = int(path.join(c.device, tile, 'physical_vram_size_bytes'));
      if (bytes !== null && bytes > 0) vramTotal = (vramTotal ?? 0) + bytes;
    }
  }
  const base = { card: c.card, index: Number(c.card.slice(4)), name, driver: c.driver, pciBusId, vramTotal, powerState };
  if (powerState === 'suspended') return { ...base, clockCore: null, temperature: null, energyMicroJoules: null, powerLimit: null };
  const clockCore = c.driver === 'i915' ? int(path.join(c.dir, 'gt_act_freq_mhz')) : int(path.join(c.device, 'tile0', 'gt0', 'freq0', 'act_freq'));
  const hwmon = dirs(path.join(c.device, 'hwmon'), /^hwmon\d+$/)[0];
  const hw = (file: string) => (hwmon ? int(path.join(c.device, 'hwmon', hwmon, file)) : null);
  let temperature: number | null = null;
  for (let n = 1; n <= 5 && temperature === null; n++) {
    const milli = hw(`temp${n}_input`);
    if (milli !== null) temperature = milli / 1000;
  }
  const powerMax = hw('power1_max');
  return {
    ...base,
    clockCore,
    temperature,
    energyMicroJoules: hw('energy1_input'),
    powerLimit: powerMax !== null && powerMax > 0 ? Math.round(powerMax / 1e4) / 100 : null,
  };
}

/** Watts from two energy readings (µJ) `ms` apart; null without both or when the counter wrapped. */
export function powerFromEnergy(before: number | null | undefined, after: number | null, ms: number): number | null {
  if (before === null || before === undefined || after === null || ms <= 0 || after < before) return null;
  return Math.round(((after - before) / 1e6 / (ms / 1000)) * 100) / 100;
}
