// Reads AMD GPUs straight from the amdgpu driver's sysfs files: no process, a few small reads.
//   <sysRoot>/class/drm/cardN/device/{vendor,device,uevent,gpu_busy_percent,mem_info_vram_total,
//     mem_info_vram_used,mem_busy_percent,product_name,pp_dpm_sclk,pp_dpm_mclk}
//   <sysRoot>/class/drm/cardN/device/hwmon/hwmonM/{name,temp1_input (m°C),power1_average|power1_input (µW),
//     power1_cap (µW),pwm1,pwm1_max,freq1_input,freq2_input (Hz)}
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GpuStats } from '../../types.js';
import { gpuStats } from './gpu-stats.js';
import { freeOf } from './units.js';
import { readRuntimePm } from './runtime-pm.js';

const AMD_VENDOR = '0x1002';

async function read(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return null;
  }
}

async function int(file: string): Promise<number | null> {
  const text = await read(file);
  if (text === null || !/^-?\d+$/.test(text)) return null;
  return Number(text);
}

/** The clock marked `*` in pp_dpm_sclk / pp_dpm_mclk (`1: 2600Mhz *`), in MHz. */
export function currentDpmClock(text: string | null): number | null {
  if (!text) return null;
  for (const line of text.split('\n')) {
    const m = /^\s*\d+:\s*(\d+)\s*Mhz\s*\*\s*$/i.exec(line);
    if (m) return Number(m[1]);
  }
  return null;
}

/** The `cardN/device` directories of amdgpu devices, in card order. */
export async function findAmdCards(sysRoot: string): Promise<{ card: string; device: string }[]> {
  const drm = path.join(sysRoot, 'class', 'drm');
  let entries: string[];
  try {
    entries = await readdir(drm);
  } catch {
    return [];
  }
  const cards = entries.filter((e) => /^card\d+$/.test(e)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  const out: { card: string; device: string }[] = [];
  for (const card of cards) {
    const device = path.join(drm, card, 'device');
    if ((await read(path.join(device, 'vendor')))?.toLowerCase() !== AMD_VENDOR) continue;
    const uevent = (await read(path.join(device, 'uevent'))) ?? '';
    const driver = /^DRIVER=(.*)$/m.exec(uevent)?.[1];
    if (driver !== undefined && driver !== 'amdgpu') continue;
    out.push({ card, device });
  }
  return out;
}

async function hwmonDir(device: string): Promise<string | null> {
  const base = path.join(device, 'hwmon');
  try {
    const dirs = (await readdir(base)).filter((d) => /^hwmon\d+$/.test(d)).sort();
    return dirs.length > 0 ? path.join(base, dirs[0]!) : null;
  } catch {
    return null;
  }
}

/** Read every amdgpu card under sysRoot. `names` (by PCI bus id) fills in product names from a tool. */
export async function readAmdSysfs(sysRoot: string, names: ReadonlyMap<string, string> = new Map()): Promise<GpuStats[]> {
  const cards = await findAmdCards(sysRoot);
  return Promise.all(cards.map(async ({ card, device }, position) => {
    const { powerState } = readRuntimePm(device);
    if (powerState === 'suspended') return asleep(card, device, position, names);
    const hw = await hwmonDir(device);
    const hwInt = (name: string) => (hw ? int(path.join(hw, name)) : Promise.resolve(null));
    const [busy, total, used, memBusy, productName, deviceId, uevent, sclk, mclk, temp, powerAvg, powerInput, powerCap, pwm, pwmMax, freq1, freq2] =
      await Promise.all([
        int(path.join(device, 'gpu_busy_percent')),
        int(path.join(device, 'mem_info_vram_total')),
        int(path.join(device, 'mem_info_vram_used')),
        int(path.join(device, 'mem_busy_percent')),
        read(path.join(device, 'product_name')),
        read(path.join(device, 'device')),
        read(path.join(device, 'uevent')),
        read(path.join(device, 'pp_dpm_sclk')),
        read(path.join(device, 'pp_dpm_mclk')),
        hwInt('temp1_input'),
        hwInt('power1_average'),
        hwInt('power1_input'),
        hwInt('power1_cap'),
        hwInt('pwm1'),
        hwInt('pwm1_max'),
        hwInt('freq1_input'),
        hwInt('freq2_input'),
      ]);
    const pciBusId = /^PCI_SLOT_NAME=(.*)$/m.exec(uevent ?? '')?.[1]?.trim() ?? null;
    const micro = (v: number | null) => (v === null ? null : Math.round(v / 1e4) / 100);
    const name = (pciBusId ? names.get(pciBusId.toLowerCase()) : undefined)
      ?? (productName && productName.length > 0 ? productName : null)
      ?? (deviceId ? `AMD GPU ${deviceId}` : 'AMD GPU');
    return gpuStats({
      name,
      vendor: 'amd',
      index: Number(card.slice(4)) ?? position,
      memory: { total, used, free: freeOf(total, used) },
      usage: busy,
      temperature: temp === null ? null : temp / 1000,
      fanSpeed: pwm !== null ? Math.round((pwm / (pwmMax && pwmMax > 0 ? pwmMax : 255)) * 1000) / 10 : null,
      powerDraw: micro(powerAvg ?? powerInput),
      clockCore: freq1 !== null ? Math.round(freq1 / 1e6) : currentDpmClock(sclk),
      clockMemory: freq2 !== null ? Math.round(freq2 / 1e6) : currentDpmClock(mclk),
      pciBusId,
      powerLimit: micro(powerCap),
      memoryUtilization: memBusy,
      powerState,
    });
  }));
}

/**
 * A runtime-suspended card: only files the driver answers without waking the GPU (identity, VRAM
 * size); gpu_busy_percent, the hwmon sensors and pp_dpm_* would resume it. Usage is 0 (it is idle).
 */
async function asleep(card: string, device: string, position: number, names: ReadonlyMap<string, string>): Promise<GpuStats> {
  const [total, productName, deviceId, uevent] = await Promise.all([
    int(path.join(device, 'mem_info_vram_total')),
    read(path.join(device, 'product_name')),
    read(path.join(device, 'device')),
    read(path.join(device, 'uevent')),
  ]);
  const pciBusId = /^PCI_SLOT_NAME=(.*)$/m.exec(uevent ?? '')?.[1]?.trim() ?? null;
  const name = (pciBusId ? names.get(pciBusId.toLowerCase()) : undefined)
    ?? (productName && productName.length > 0 ? productName : null)
    ?? (deviceId ? `AMD GPU ${deviceId}` : 'AMD GPU');
  return gpuStats({
    name, vendor: 'amd', index: Number(card.slice(4)) ?? position, memory: { total, used: null, free: null },
    usage: 0, pciBusId, powerState: 'suspended',
  });
}
