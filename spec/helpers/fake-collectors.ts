import { NO_DISK_IO } from '../../lib/collectors/disk-io.js';
import { NEVER, Observable, defer, finalize, throwError } from 'rxjs';
import { poll } from '../../lib/collectors/poll.js';
import type { CollectorSet, CollectorSpec } from '../../lib/collectors/registry.js';
import type { Sample } from '../../lib/collectors/sample.js';
import type { CpuStats, DiskStats, MemoryStats, NetworkStats, Topic } from '../../lib/types.js';
import { TOPICS } from '../../lib/types.js';

export const fakeCpu = (usage: number): CpuStats => ({
  usage, cores: 4, frequency: 2400, temperature: null, model: 'Fake CPU', physicalCores: 2,
  perCore: [usage, usage, usage, usage], loadAverage: [0.1, 0.2, 0.3],
});

export const fakeMemory = (used: number): MemoryStats => ({
  total: 1000, available: 1000 - used, used, usedPercent: used / 10,
  swap: { total: 0, used: 0, usedPercent: 0 }, free: 1000 - used, cached: 0, buffers: 0,
});

export const fakeNetwork = (bytes: number): NetworkStats => ({
  bytesSent: bytes, bytesRecv: bytes, packetsSent: 1, packetsRecv: 1,
  bytesSentPerSec: 0, bytesRecvPerSec: 0, packetsSentPerSec: 0, packetsRecvPerSec: 0, interfaces: [],
});

/** Counts how often a collector was started and stopped. */
export interface Counter {
  starts: number;
  stops: number;
}

/** A collector that polls `make(n)` on the context's timer and counts its subscriptions. */
export function counting<T>(placeholder: T, make: (n: number) => T, counter: Counter = { starts: 0, stops: 0 }): CollectorSpec<T> & { counter: Counter } {
  return {
    counter,
    placeholder,
    create: (ctx) => defer(() => {
      counter.starts++;
      let n = 0;
      return poll(() => ({ sample: () => ({ value: make(++n), source: 'fake' }) }), {
        intervalMs: ctx.intervalMs, timeoutMs: ctx.timeoutMs, primeMs: ctx.primeMs, placeholder, scheduler: ctx.scheduler, grid: ctx.grid,
      });
    }).pipe(finalize(() => counter.stops++)),
  };
}

/** A collector that never answers (a hung tool). */
export function hanging<T>(placeholder: T): CollectorSpec<T> {
  return { placeholder, create: () => NEVER as Observable<Sample<T>> };
}

/** A collector whose observable errors at once (a bug or a crash), counting its attempts. */
export function crashing<T>(placeholder: T, counter: Counter = { starts: 0, stops: 0 }): CollectorSpec<T> & { counter: Counter } {
  return {
    counter,
    placeholder,
    create: () => defer(() => {
      counter.starts++;
      return throwError(() => new Error('collector exploded'));
    }),
  };
}

/** `count` fake disks of ~370 bytes each in JSON, I/O fields null (a big payload for backpressure specs). */
export const fakeDisks = (count: number): DiskStats[] => Array.from({ length: count }, (_, i) => ({
  device: `/dev/fake${i}`, mountpoint: `/mnt/${'m'.repeat(40)}/${i}`, fstype: 'ext4',
  total: 1e12, free: 5e11, used: 5e11, usedPercent: 50, ...NO_DISK_IO,
}));

/** A full set of fast fake collectors, each counting its starts and stops. */
export function fakeCollectors(options: { diskEntries?: number } = {}) {
  const disks = fakeDisks(options.diskEntries ?? 0);
  return {
    cpu: counting(fakeCpu(0), (n) => fakeCpu(n)),
    memory: counting(fakeMemory(0), (n) => fakeMemory(n)),
    gpu: counting([], () => []),
    disk: counting([], () => disks),
    network: counting(fakeNetwork(0), (n) => fakeNetwork(n)),
    processes: counting([], (n) => [{ pid: n, name: 'python3', cpu: 1, memory: 1, status: 'running', rss: 1 }]),
  } satisfies CollectorSet;
}

/** The same set, with per-topic views of how often each collector started and how many run now. */
export interface Fakes {
  collectors: CollectorSet;
  starts: Record<Topic, number>;
  running: Record<Topic, number>;
}

export function countedCollectors(options: { diskEntries?: number } = {}): Fakes {
  const collectors = fakeCollectors({ diskEntries: options.diskEntries ?? 1 });
  const view = (of: (c: Counter) => number) => Object.defineProperties({} as Record<Topic, number>,
    Object.fromEntries(TOPICS.map((t) => [t, { enumerable: true, get: () => of(collectors[t].counter) }])));
  return { collectors, starts: view((c) => c.starts), running: view((c) => c.starts - c.stops) };
}
