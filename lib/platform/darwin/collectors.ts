// The darwin branch of each collector: poll() on the usual grid, reading the samplers in
// samplers.ts; the loop-mode tool a sampler started is killed when the subscription ends.
import { defer, finalize, type Observable } from 'rxjs';
import type { CollectorContext } from '../../collectors/context.js';
import { poll, pollOptions, type Sampler } from '../../collectors/poll.js';
import type { Sample } from '../../collectors/sample.js';
import type { GpuStats, MemoryStats, NetworkStats, ProcessStats } from '../../types.js';
import {
  darwinGpuSampler, darwinMemorySampler, darwinNetworkSampler, darwinProcessSampler,
  type DarwinToolOptions, type StoppableSampler,
} from './samplers.js';

function pollUntilStopped<T>(ctx: CollectorContext, create: () => Sampler<T> | StoppableSampler<T>, placeholder: T): Observable<Sample<T>> {
  return defer(() => {
    let sampler: (Sampler<T> | StoppableSampler<T>) | undefined;
    // A StoppableSampler's undefined reading is dropped by poll() (nothing emitted that tick).
    return poll(() => (sampler = create()) as Sampler<T>, pollOptions(ctx, placeholder)).pipe(finalize(() => { if (sampler && 'stop' in sampler) sampler.stop(); }));
  });
}

export function darwinMemory(ctx: CollectorContext, placeholder: MemoryStats, options: DarwinToolOptions = {}): Observable<Sample<MemoryStats>> {
  return pollUntilStopped(ctx, () => darwinMemorySampler(ctx, options), placeholder);
}

export function darwinProcesses(ctx: CollectorContext, options: DarwinToolOptions & { exposeCommandLine?: boolean } = {}): Observable<Sample<ProcessStats[]>> {
  return pollUntilStopped(ctx, () => darwinProcessSampler(ctx, options), []);
}

export function darwinNetwork(ctx: CollectorContext, placeholder: NetworkStats, options: DarwinToolOptions = {}): Observable<Sample<NetworkStats>> {
  return pollUntilStopped(ctx, () => darwinNetworkSampler(ctx, options), placeholder);
}

export function darwinGpu(ctx: CollectorContext, options: DarwinToolOptions = {}): Observable<Sample<GpuStats[]>> {
  return pollUntilStopped(ctx, () => darwinGpuSampler(ctx, options), []);
}
