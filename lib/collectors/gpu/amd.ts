// The AMD back-end, polled on the service's tick. Preference: the amdgpu sysfs files on Linux (no
// process at all), else `rocm-smi --json` (a slow Python program), else `amd-smi metric --json`
// (+ `amd-smi static --json` once, for names and bus ids).
import type { Observable } from 'rxjs';
import type { GpuStats } from '../../types.js';
import type { CollectorContext } from '../context.js';
import { poll, type Sampler } from '../poll.js';
import type { Sample, SampleResult } from '../sample.js';
import { runTool } from '../../tools/run-tool.js';
import { readAmdSysfs } from './amd-sysfs.js';
import { parseAmdSmiMetric, parseAmdSmiStatic, type AmdStatic } from './amd-smi-json.js';
import { parseRocmSmiJson } from './rocm-json.js';

export type AmdSource = 'sysfs' | 'rocm-smi' | 'amd-smi';

export interface AmdOptions {
  source: AmdSource;
  rocmSmiPath?: string | null;
  amdSmiPath?: string | null;
  env?: NodeJS.ProcessEnv;
  /** How long one rocm-smi/amd-smi run may take (they are slow to start). */
  toolTimeoutMs?: number;
}

/** The rocm-smi flags this service needs (product name, use, VRAM, temperature, power, clocks, fan, bus). */
export const ROCM_SMI_ARGS: readonly string[] = [
  '--showproductname', '--showuse', '--showmeminfo', 'vram', '--showtemp', '--showpower',
  '--showclocks', '--showfan', '--showbus', '--showdriverversion', '--json',
];

export function amdGpu(ctx: CollectorContext, options: AmdOptions): Observable<Sample<GpuStats[]>> {
  const toolTimeout = options.toolTimeoutMs ?? Math.max(ctx.timeoutMs, 10_000);
  const run = (file: string, args: readonly string[], signal: AbortSignal) =>
    runTool(file, args, { timeoutMs: toolTimeout, signal, env: options.env });

  const createSampler = (): Sampler<GpuStats[]> => {
    let names: Promise<Map<string, string>> | undefined;
    let statics: Promise<AmdStatic[]> | undefined;
    return {
      async sample(signal): Promise<SampleResult<GpuStats[]>> {
        if (options.source === 'sysfs') {
          // Product names are not in sysfs: ask rocm-smi once, by PCI bus id, if it is there.
          names ??= options.rocmSmiPath
            ? run(options.rocmSmiPath, ['--showproductname', '--showbus', '--json'], new AbortController().signal)
              .then(({ stdout }) => new Map(parseRocmSmiJson(stdout).filter((g) => g.pciBusId).map((g) => [g.pciBusId!.toLowerCase(), g.name])))
              .catch(() => new Map<string, string>())
            : Promise.resolve(new Map<string, string>());
          return { value: await readAmdSysfs(ctx.sysRoot, await names), source: 'amdgpu sysfs' };
        }
        if (options.source === 'rocm-smi' && options.rocmSmiPath) {
          const { stdout } = await run(options.rocmSmiPath, ROCM_SMI_ARGS, signal);
          return { value: parseRocmSmiJson(stdout), source: 'rocm-smi' };
        }
        if (options.source === 'amd-smi' && options.amdSmiPath) {
          const amdSmi = options.amdSmiPath;
          statics ??= run(amdSmi, ['static', '--json'], new AbortController().signal)
            .then(({ stdout }) => parseAmdSmiStatic(stdout))
            .catch(() => []);
          const { stdout } = await run(amdSmi, ['metric', '--json'], signal);
          return { value: parseAmdSmiMetric(stdout, await statics), source: 'amd-smi' };
        }
        throw new Error(`${options.source}: not available`);
      },
    };
  };

  return poll(createSampler, {
    intervalMs: ctx.intervalMs,
    timeoutMs: options.source === 'sysfs' ? ctx.timeoutMs : toolTimeout,
    primeMs: ctx.primeMs,
    placeholder: [],
    scheduler: ctx.scheduler,
    grid: ctx.grid,
  });
}
