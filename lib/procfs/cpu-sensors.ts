import { join } from 'node:path';
import { tryReadDir, tryReadText } from './read.js';

// Reading helpers for the CPU's sysfs facts; paths are found once per subscription, read each sample.

/** hwmon drivers that report the CPU package (Intel, AMD, ARM SoCs). */
const CPU_HWMON_NAMES = ['coretemp', 'k10temp', 'zenpower', 'cpu_thermal', 'cpu-thermal', 'soc_thermal', 'cputemp'];
/** The sensor label that means "whole package" for each driver; otherwise the first input wins. */
const PACKAGE_LABELS = [/^Package id \d+$/i, /^Tctl$/i, /^Tdie$/i, /^Physical id \d+$/i];
/** thermal_zone types that mean the CPU package. */
const CPU_ZONE_TYPES = ['x86_pkg_temp', 'cpu-thermal', 'cpu_thermal', 'soc_thermal', 'cpu0-thermal'];

/** The file holding the CPU package temperature in millidegrees °C, or undefined when none. */
export function findCpuTemperatureFile(sysRoot: string): string | undefined {
  const hwmonDir = join(sysRoot, 'class/hwmon');
  for (const hwmon of tryReadDir(hwmonDir).sort(byNumberSuffix)) {
    const name = tryReadText(hwmonDir, hwmon, 'name')?.trim();
    if (!name || !CPU_HWMON_NAMES.includes(name)) continue;
    const inputs = tryReadDir(hwmonDir, hwmon)
      .filter((f) => /^temp\d+_input$/.test(f))
      .sort(byNumberSuffix);
    const labelled = inputs.find((input) => {
      const label = tryReadText(hwmonDir, hwmon, input.replace('_input', '_label'))?.trim() ?? '';
      return PACKAGE_LABELS.some((pattern) => pattern.test(label));
    });
    const chosen = labelled ?? inputs[0];
    if (chosen) return join(hwmonDir, hwmon, chosen);
  }
  const thermalDir = join(sysRoot, 'class/thermal');
  for (const zone of tryReadDir(thermalDir).filter((z) => z.startsWith('thermal_zone')).sort(byNumberSuffix)) {
    const type = tryReadText(thermalDir, zone, 'type')?.trim();
    if (type && CPU_ZONE_TYPES.includes(type)) return join(thermalDir, zone, 'temp');
  }
  return undefined;
}

/** °C from a millidegree file, null when it cannot be read or holds nonsense. */
export function readTemperature(file: string | undefined): number | null {
  if (!file) return null;
  const millidegrees = Number(tryReadText(file)?.trim());
  if (!Number.isFinite(millidegrees) || millidegrees <= -273_000) return null;
  return millidegrees / 1000;
}

/** Every CPU's scaling_cur_freq file (kHz); empty where cpufreq is not exposed (most VMs). */
export function findFrequencyFiles(sysRoot: string): string[] {
  const cpuDir = join(sysRoot, 'devices/system/cpu');
  return tryReadDir(cpuDir)
    .filter((d) => /^cpu\d+$/.test(d))
    .sort(byNumberSuffix)
    .map((cpu) => join(cpuDir, cpu, 'cpufreq/scaling_cur_freq'))
    .filter((file) => tryReadText(file) !== undefined);
}

/** Average MHz over the files, or undefined when none could be read. */
export function readAverageMhz(files: readonly string[]): number | undefined {
  const khz = files.map((f) => Number(tryReadText(f)?.trim())).filter((n) => Number.isFinite(n) && n > 0);
  if (khz.length === 0) return undefined;
  return khz.reduce((a, b) => a + b, 0) / khz.length / 1000;
}

function byNumberSuffix(a: string, b: string): number {
  return Number(/\d+$/.exec(a)?.[0] ?? 0) - Number(/\d+$/.exec(b)?.[0] ?? 0) || a.localeCompare(b);
}
