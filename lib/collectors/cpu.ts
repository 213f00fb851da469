import type { CpuStats } from '../types.js';
import type { CollectorFactory, CollectorContext } from './context.js';
import { poll, type Sampler, pollOptions } from './poll.js';
import { osCpuSampler } from './os-cpu.js';
import { win32PhysicalCores, withAgent } from '../platform/win32/samplers.js';
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

/**
 * CPU busy % over each interval, cores, MHz, °C and load: /proc/stat deltas on Linux, os.cpus()
 * deltas on macOS and Windows (os-cpu.ts; no temperature there, and Windows has no load average).
 */
export const cpuCollector: CollectorFactory<CpuStats> = (ctx) => {
  const pollWith = (createSampler: () => Sampler<CpuStats>) => poll(createSampler, pollOptions(ctx, CPU_PLACEHOLDER));
  if (ctx.platform === 'linux') return pollWith(() => procfsCpuSampler(ctx));
  // Windows: the physical core count comes from the agent, asked once per subscription.
  if (ctx.platform === 'win32') return withAgent(ctx, (lease) => pollWith(() => osCpuSampler({ loadAverage: null, physicalCores: win32PhysicalCores(lease) })));
  return pollWith(() => osCpuSampler());
};

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
