// Runtime power management of a PCI GPU, read from sysfs without touching the device:
//   <device>/power/runtime_status  active | suspended | suspending | resuming | error | unsupported
//   <device>/power/control         auto (runtime PM allowed: laptops) | on (always on: desktops, servers)
//   <device>/power_state           D0 | D3hot | D3cold (PCI, kernels ≥ 5.17)
// A query through nvidia-smi / rocm-smi / amd-smi resumes a suspended GPU (and a long-lived loop
// child keeps it from ever suspending), so these files are read first.
import { readdirSync } from 'node:fs';
import { tryReadFast } from '../../procfs/read.js';
import type { GpuPowerState } from '../../types.js';

export interface RuntimePm {
  powerState: GpuPowerState;
  /** power/control: 'auto' lets the kernel suspend the idle device; null when the file is missing. */
  control: 'auto' | 'on' | null;
}

/** The state a client sees: suspended (or on its way), active (or waking), null when the kernel does not say. */
export function powerStateOf(runtimeStatus: string | undefined, pciPowerState: string | undefined): GpuPowerState {
  const status = runtimeStatus?.trim();
  if (status === 'suspended' || status === 'suspending') return 'suspended';
  if (status === 'active' || status === 'resuming') return 'active';
  const d = pciPowerState?.trim();
  if (d === 'D3hot' || d === 'D3cold') return 'suspended';
  if (d === 'D0') return 'active';
  return null;
}

/** Reads the files of one device directory (`/sys/bus/pci/devices/0000:01:00.0`, `/sys/class/drm/card1/device`). */
export function readRuntimePm(deviceDir: string): RuntimePm {
  const control = tryReadFast(`${deviceDir}/power/control`)?.trim();
  return {
    powerState: powerStateOf(tryReadFast(`${deviceDir}/power/runtime_status`), tryReadFast(`${deviceDir}/power_state`)),
    control: control === 'auto' || control === 'on' ? control : null,
  };
}

const NVIDIA_VENDOR = '0x10de';

/** The PCI directories of NVIDIA display controllers (class 0x03xxxx), by bus id (`0000:01:00.0`). */
export function findNvidiaPciDevices(sysRoot: string): string[] {
  const base = `${sysRoot}/bus/pci/devices`;
  let entries: string[];
  try {
    entries = readdirSync(base);
  } catch {
    return [];
  }
  return entries.filter((bus) => tryReadFast(`${base}/${bus}/vendor`)?.trim().toLowerCase() === NVIDIA_VENDOR
    && (tryReadFast(`${base}/${bus}/class`)?.trim().startsWith('0x03') ?? false))
    .sort()
    .map((bus) => `${base}/${bus}`);
}
