import type { Observable } from 'rxjs';
import type { CollectorContext } from './context.js';
import type { Sample } from './sample.js';
import type { ResolvedMonitorOptions } from '../monitor-options.js';
import type { CpuStats, DiskStats, GpuStats, MemoryStats, NetworkStats, ProcessStats } from '../types.js';
import { cpuCollector, CPU_PLACEHOLDER } from './cpu.js';
import { memoryCollector, MEMORY_PLACEHOLDER } from './memory.js';
import { diskCollector } from './disk.js';
import { networkCollector, NETWORK_PLACEHOLDER } from './network.js';
import { processesCollector } from './processes.js';
import { gpuCollector } from './gpu/index.js';

/** A collector bound to its options: what the monitor subscribes to, and what to show before it answers. */
export interface CollectorSpec<T> {
  create(ctx: CollectorContext): Observable<Sample<T>>;
  placeholder: T;
}

export interface CollectorSet {
  cpu: CollectorSpec<CpuStats>;
  memory: CollectorSpec<MemoryStats>;
  gpu: CollectorSpec<GpuStats[]>;
  disk: CollectorSpec<DiskStats[]>;
  network: CollectorSpec<NetworkStats>;
  /** Every process, sorted by CPU %; the monitor filters and caps it for the `processes` topic. */
  processes: CollectorSpec<ProcessStats[]>;
}

export type SourceName = keyof CollectorSet;

export function defaultCollectors(options: ResolvedMonitorOptions): CollectorSet {
  return {
    cpu: { create: (ctx) => cpuCollector(ctx, {}), placeholder: CPU_PLACEHOLDER },
    memory: { create: (ctx) => memoryCollector(ctx, {}), placeholder: MEMORY_PLACEHOLDER },
    gpu: { create: (ctx) => gpuCollector(ctx, options.gpu), placeholder: [] },
    disk: { create: (ctx) => diskCollector(ctx, { includeNetworkFs: options.includeNetworkFilesystems }), placeholder: [] },
    network: { create: (ctx) => networkCollector(ctx, {}), placeholder: NETWORK_PLACEHOLDER },
    processes: {
      create: (ctx) => processesCollector(ctx, { exposeCommandLine: options.processes.exposeCommandLine }),
      placeholder: [],
    },
  };
}
