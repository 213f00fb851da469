// The AMD back-end, polled on the service's tick. Preference: the amdgpu sysfs files on Linux (no
// process at all), else `rocm-smi --json` (a slow Python program), else `amd-smi metric --json`
// (+ `amd-smi static --json` once, for names and bus ids).
import type { Observable } from 'rxjs';
import type { GpuStats } from '../../types.js';
import type { CollectorContext } from '../context.js';
import { poll, pollOptions, type Sampler } from '../poll.js';
import type { Sample, SampleResult } from '../sample.js';
import { runTool } from '../../tools/run-tool.js';
import { findAmdCards, readAmdSysfs } from './amd-sysfs.js';
import { processesOf, type DrmClientTracker } from './drm-clients.js';
import { readRuntimePm } from './runtime-pm.js';
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
  /** sysfs: the DRM clients (fdinfo) that fill each card's process list, and how to name what was unreadable. */
  clients?: DrmClientTracker;
  describeClients?: (unreadable: number) => string;
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

  const withClients = (gpus: GpuStats[]): SampleResult<GpuStats[]> => {
    if (!options.clients) return { value: gpus, source: 'amdgpu sysfs' };
    const { clients, unreadable } = options.clients.read();
    return {
      value: gpus.map((g) => ({ ...g, processes: g.powerState === 'suspended' ? [] : processesOf(clients, g.pciBusId) })),
      source: `amdgpu sysfs${options.describeClients?.(unreadable) ?? ''}`,
    };
  };

  const createSampler = (): Sampler<GpuStats[]> => {
    let names: Promise<Map<string, string>> | undefined;
    let statics: Promise<AmdStatic[]> | undefined;
    // sysfs with DRM clients: a first fdinfo reading before the first sample, so that one already
    // carries each process's busy % (a delta).
    const clients = options.source === 'sysfs' ? options.clients : undefined;
    return {
      ...(clients ? { baseline: () => { clients.read(); } } : {}),
      async sample(signal): Promise<SampleResult<GpuStats[]>> {
        if (options.source === 'sysfs') {
          // Product names are not in sysfs: ask rocm-smi once, by PCI bus id, if it is there, and not
          // while a card is runtime-suspended (the query would wake it): the next reading asks.
          const anyAsleep = () => findAmdCards(ctx.sysRoot).then((cards) => cards.some((c) => readRuntimePm(c.device).powerState === 'suspended'));
          if (!names && options.rocmSmiPath && await anyAsleep()) {
            return withClients(await readAmdSysfs(ctx.sysRoot));
          }
          names ??= options.rocmSmiPath
            ? run(options.rocmSmiPath, ['--showproductname', '--showbus', '--json'], new AbortController().signal)
              .then(({ stdout }) => new Map(parseRocmSmiJson(stdout).filter((g) => g.pciBusId).map((g) => [g.pciBusId!.toLowerCase(), g.name])))
              .catch(() => new Map<string, string>())
            : Promise.resolve(new Map<string, string>());
          return withClients(await readAmdSysfs(ctx.sysRoot, await names));
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

  return poll(createSampler, { ...pollOptions(ctx, []), timeoutMs: options.source === 'sysfs' ? ctx.timeoutMs : toolTimeout });
}
