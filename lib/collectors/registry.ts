import type { Observable } from 'rxjs';
import type { CollectorContext } from './context.js';
import type { Sample } from './sample.js';
import type { CpuStats, DiskStats, GpuStats, MemoryStats, NetworkStats, ProcessStats } from '../types.js';
import { cpuCollector, CPU_PLACEHOLDER } from './cpu.js';
import { memoryCollector, MEMORY_PLACEHOLDER } from './memory.js';
import { diskCollector, DISK_PLACEHOLDER, type DiskOptions, type DiskReading } from './disk.js';
import { networkCollector, NETWORK_PLACEHOLDER } from './network.js';
import { processesCollector, type ProcessesOptions } from './processes.js';
import { gpuCollector, type GpuOptions } from './gpu/index.js';

/** A collector bound to its options: what the monitor subscribes to, and what to show before it answers. */
export interface CollectorSpec<T> {
  create(ctx: CollectorContext): Observable<Sample<T>>;
  placeholder: T;
}

export interface CollectorSet {
  cpu: CollectorSpec<CpuStats>;
  memory: CollectorSpec<MemoryStats>;
  gpu: CollectorSpec<GpuStats[]>;
  /** The disk list and the machine-wide I/O line (a bare list is read as one with no I/O line). */
  disk: CollectorSpec<DiskReading | DiskStats[]>;
  network: CollectorSpec<NetworkStats>;
  /** Every process, sorted by CPU %; the monitor filters and caps it for the `processes` topic. */
  processes: CollectorSpec<ProcessStats[]>;
}

/** Each configurable collector's own options (like node_exporter's per-collector flags). */
export interface CollectorOptions {
  gpu?: GpuOptions;
  disk?: DiskOptions;
  processes?: ProcessesOptions;
}

export function defaultCollectors(options: CollectorOptions = {}): CollectorSet {
  return {
    cpu: { create: (ctx) => cpuCollector(ctx, {}), placeholder: CPU_PLACEHOLDER },
    memory: { create: (ctx) => memoryCollector(ctx, {}), placeholder: MEMORY_PLACEHOLDER },
    gpu: { create: (ctx) => gpuCollector(ctx, options.gpu ?? {}), placeholder: [] },
    disk: { create: (ctx) => diskCollector(ctx, options.disk ?? {}), placeholder: DISK_PLACEHOLDER },
    network: { create: (ctx) => networkCollector(ctx, {}), placeholder: NETWORK_PLACEHOLDER },
    processes: { create: (ctx) => processesCollector(ctx, options.processes ?? {}), placeholder: [] },
  };
}
