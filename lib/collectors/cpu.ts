import os from 'node:os';
import type si from 'systeminformation';
import { systeminformation } from './systeminformation.js';
import type { CpuStats } from '../types.js';
import type { CollectorFactory, CollectorContext } from './context.js';
import { poll, type Sampler } from './poll.js';
import { round2 } from '../format/round.js';
import { busyPercent, parseProcStat, type ProcStat } from '../procfs/stat.js';
import { parseCpuMhz, parseCpuinfo, type CpuInfo } from '../procfs/cpuinfo.js';
import { parseLoadavg } from '../procfs/loadavg.js';
import { readText } from '../procfs/read.js';
import { findCpuTemperatureFile, findFrequencyFiles, readAverageMhz, readTemperature } from '../procfs/cpu-sensors.js';

export const CPU_PLACEHOLDER: CpuStats = {
  usage: 0,
  cores: 0,
  frequency: 0,
  temperature: null,
  model: '',
  physicalCores: 0,
  perCore: [],
  loadAverage: [0, 0, 0],
};

/** CPU busy % over each interval (from /proc/stat deltas on Linux), cores, MHz, °C and load. */
export const cpuCollector: CollectorFactory<CpuStats> = (ctx) =>
  poll(() => (ctx.platform === 'linux' ? procfsCpuSampler(ctx) : systeminformationCpuSampler()), {
    intervalMs: ctx.intervalMs,
    timeoutMs: ctx.timeoutMs,
    primeMs: ctx.primeMs,
    placeholder: CPU_PLACEHOLDER,
    scheduler: ctx.scheduler,
    grid: ctx.grid,
  });

export function procfsCpuSampler(ctx: Pick<CollectorContext, 'procRoot' | 'sysRoot'>): Sampler<CpuStats> {
  // Facts that do not change while the machine runs are looked up once per subscription.
  let facts: { info: CpuInfo; temperatureFile: string | undefined; frequencyFiles: string[] } | undefined;
  let previous: ProcStat | undefined;
  const lookUpFacts = () => {
    facts ??= {
      info: parseCpuinfo(readText(ctx.procRoot, 'cpuinfo')),
      temperatureFile: findCpuTemperatureFile(ctx.sysRoot),
      frequencyFiles: findFrequencyFiles(ctx.sysRoot),
    };
    return facts;
  };
  return {
    baseline() {
      lookUpFacts();
      previous = parseProcStat(readText(ctx.procRoot, 'stat'));
    },
    sample() {
      const { info, temperatureFile, frequencyFiles } = lookUpFacts();
      const current = parseProcStat(readText(ctx.procRoot, 'stat'));
      const before = previous ?? current;
      previous = current;
      // Without cpufreq (most VMs) the current speed is only in cpuinfo, which must be re-read.
      const frequency = frequencyFiles.length > 0
        ? readAverageMhz(frequencyFiles) ?? 0
        : parseCpuMhz(readText(ctx.procRoot, 'cpuinfo'));
      return {
        source: 'procfs',
        value: {
          usage: busyPercent(before.total, current.total),
          cores: current.perCpu.length || info.logicalCores,
          frequency,
          temperature: readTemperature(temperatureFile),
          model: info.model,
          physicalCores: info.physicalCores,
          perCore: current.perCpu.map((times, i) => {
            const earlier = before.perCpu[i];
            return earlier ? busyPercent(earlier, times) : 0;
          }),
          loadAverage: parseLoadavg(readText(ctx.procRoot, 'loadavg')),
        },
      };
    },
  };
}

/** macOS and Windows: systeminformation keeps its own previous reading for the load delta. */
function systeminformationCpuSampler(): Sampler<CpuStats> {
  let facts: Promise<si.Systeminformation.CpuData> | undefined;
  return {
    // Starts both and returns at once: si.currentLoad()'s first call sets its baseline, then sleeps
    // 500 ms before answering, and si.cpu() can take a second on Windows. A baseline slower than
    // primeMs would push the first reading back to the next tick of the interval grid.
    baseline() {
      const lib = systeminformation();
      facts = lib.then((si) => si.cpu());
      lib.then((si) => si.currentLoad()).catch(() => undefined);
    },
    async sample() {
      const si = await systeminformation();
      const [cpu, load, speed, temperature] = await Promise.all([facts ??= si.cpu(), si.currentLoad(), si.cpuCurrentSpeed(), si.cpuTemperature()]);
      const [one = 0, five = 0, fifteen = 0] = os.loadavg();
      return {
        source: 'systeminformation',
        value: {
          usage: round2(load.currentLoad),
          cores: cpu.cores,
          frequency: round2((speed.avg || cpu.speed) * 1000), // GHz to MHz, without float residue (1.1 * 1000 = 1100.0000000000002)
          temperature: typeof temperature.main === 'number' && temperature.main > 0 ? temperature.main : null,
          model: `${cpu.manufacturer} ${cpu.brand}`.trim(),
          physicalCores: cpu.physicalCores,
          perCore: load.cpus.map((c) => round2(c.load)),
          loadAverage: [one, five, fifteen],
        },
      };
    },
  };
}
