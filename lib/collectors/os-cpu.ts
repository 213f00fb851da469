// CPU % on macOS and Windows without starting a process: the per-core time counters Node reads
// for os.cpus() (Windows: NtQuerySystemInformation's processor times, through libuv; macOS:
// host_processor_info), turned into busy % over each interval like /proc/stat on Linux.
import os from 'node:os';
import type { CpuStats } from '../types.js';
import type { Sampler } from './poll.js';
import { round2 } from '../format/round.js';

/** One logical CPU's cumulative times, ms (os.cpus()[i].times). */
export interface CoreTimes {
  user: number;
  nice: number;
  sys: number;
  idle: number;
  irq: number;
}

export interface OsCpuOptions {
  /** os.cpus by default; specs pass readings. */
  cpus?: () => readonly os.CpuInfo[];
  /** null where the platform has no load average (Windows: Node's os.loadavg() is always [0, 0, 0] there). */
  loadAverage?: (() => [number, number, number]) | null;
  /** Physical cores, asked once per subscription; null when the platform does not say. */
  physicalCores?: () => Promise<number | null> | number | null;
}

/** Busy % between two readings of one core (or of the sum of all): everything but idle, over everything. */
export function coreBusyPercent(before: CoreTimes, after: CoreTimes): number {
  const total = sumTimes(after) - sumTimes(before);
  const idle = after.idle - before.idle;
  if (total <= 0) return 0;
  return round2(Math.min(100, Math.max(0, ((total - idle) / total) * 100)));
}

/** The whole machine's times: the sum over its cores. */
export function machineTimes(cores: readonly CoreTimes[]): CoreTimes {
  const total: CoreTimes = { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
  for (const c of cores) {
    total.user += c.user;
    total.nice += c.nice;
    total.sys += c.sys;
    total.idle += c.idle;
    total.irq += c.irq;
  }
  return total;
}

/**
 * Average of the per-core `speed` Node reports, MHz. On Windows that is the registry's nominal
 * "~MHz" and on macOS hw.cpufrequency (0 on Apple silicon, which keeps it to itself): not the
 * live clock, and 0 means "not known" as the contract says.
 */
export function averageSpeed(cpus: readonly os.CpuInfo[]): number {
  const known = cpus.map((c) => c.speed).filter((s) => s > 0);
  return known.length > 0 ? round2(known.reduce((a, b) => a + b, 0) / known.length) : 0;
}

/** CpuStats from two os.cpus() readings: no temperature (no sensor API without a process or admin). */
export function cpuStatsFromOs(
  before: readonly os.CpuInfo[],
  after: readonly os.CpuInfo[],
  extras: { physicalCores: number | null; loadAverage: [number, number, number] | null },
): CpuStats {
  const perCore = after.map((cpu, i) => {
    const earlier = before[i];
    return earlier ? coreBusyPercent(earlier.times, cpu.times) : 0;
  });
  // A core that came or went between readings would skew the sum: only cores in both count.
  const common = Math.min(before.length, after.length);
  const usage = coreBusyPercent(machineTimes(before.slice(0, common).map((c) => c.times)), machineTimes(after.slice(0, common).map((c) => c.times)));
  return {
    usage,
    cores: after.length,
    frequency: averageSpeed(after),
    temperature: null,
    model: (after[0]?.model ?? '').trim(),
    physicalCores: extras.physicalCores ?? after.length,
    perCore,
    loadAverage: extras.loadAverage,
  };
}

/** The sampler the cpu collector uses on darwin and win32: a baseline, then deltas over each interval. */
export function osCpuSampler(options: OsCpuOptions = {}): Sampler<CpuStats> {
  const read = options.cpus ?? (() => os.cpus());
  const loadAverage = options.loadAverage === undefined ? unixLoadAverage : options.loadAverage;
  let previous: readonly os.CpuInfo[] | undefined;
  let physical: Promise<number | null> | undefined;
  const physicalCores = () => (physical ??= Promise.resolve()
    .then(() => options.physicalCores?.() ?? null)
    .catch(() => null));
  return {
    baseline() {
      previous = read();
      void physicalCores();
    },
    async sample() {
      const current = read();
      const before = previous ?? current;
      previous = current;
      return {
        source: 'os.cpus',
        value: cpuStatsFromOs(before, current, { physicalCores: await physicalCores(), loadAverage: loadAverage ? loadAverage() : null }),
      };
    },
  };
}

function unixLoadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return [one, five, fifteen];
}

function sumTimes(t: CoreTimes): number {
  return t.user + t.nice + t.sys + t.idle + t.irq;
}
