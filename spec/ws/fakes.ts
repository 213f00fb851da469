// Fake collectors for WebSocket specs: poll()-based, cheap, and counting their activations.
import { finalize } from 'rxjs';
import type { CollectorContext } from '../../lib/collectors/context.js';
import { poll } from '../../lib/collectors/poll.js';
import type { CollectorSet, CollectorSpec } from '../../lib/collectors/registry.js';
import type { CpuStats, DiskStats, MemoryStats, NetworkStats, Topic } from '../../lib/types.js';
import { TOPICS } from '../../lib/types.js';

export const CPU: CpuStats = {
  usage: 12.5, cores: 2, frequency: 2400, temperature: null, model: 'Fake CPU', physicalCores: 1,
  perCore: [10, 15], loadAverage: [0.1, 0.2, 0.3],
};
export const MEMORY: MemoryStats = {
  total: 8e9, available: 4e9, used: 4e9, usedPercent: 50, swap: { total: 0, used: 0, usedPercent: 0 },
  free: 3e9, cached: 5e8, buffers: 1e8,
};
export const NETWORK: NetworkStats = {
  bytesSent: 1, bytesRecv: 2, packetsSent: 3, packetsRecv: 4, bytesSentPerSec: 0, bytesRecvPerSec: 0,
  packetsSentPerSec: 0, packetsRecvPerSec: 0, interfaces: [],
};

export interface Fakes {
  collectors: CollectorSet;
  /** Times each collector was started (subscribed from idle). */
  starts: Record<Topic, number>;
  /** Collectors running now. */
  running: Record<Topic, number>;
}

/** `diskEntries` makes the disk payload big (each entry ~120 bytes), for backpressure specs. */
export function fakeCollectors(options: { diskEntries?: number } = {}): Fakes {
  const starts = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
  const running = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
  const disks: DiskStats[] = Array.from({ length: options.diskEntries ?? 1 }, (_, i) => ({
    device: `/dev/fake${i}`, mountpoint: `/mnt/${'m'.repeat(40)}/${i}`, fstype: 'ext4',
    total: 1e12, free: 5e11, used: 5e11, usedPercent: 50,
  }));
  function fake<T>(topic: Topic, value: (n: number) => T, placeholder: T): CollectorSpec<T> {
    return {
      placeholder,
      create: (ctx: CollectorContext) => {
        let n = 0;
        return poll(
          () => {
            starts[topic]++;
            running[topic]++;
            return { sample: () => ({ value: value(++n), source: 'fake' }) };
          },
          { intervalMs: ctx.intervalMs, timeoutMs: ctx.timeoutMs, primeMs: ctx.primeMs, placeholder, scheduler: ctx.scheduler },
        ).pipe(finalize(() => running[topic]--));
      },
    };
  }
  return {
    starts,
    running,
    collectors: {
      cpu: fake('cpu', (n) => ({ ...CPU, usage: n }), CPU),
      memory: fake('memory', () => MEMORY, MEMORY),
      gpu: fake('gpu', () => [], []),
      disk: fake('disk', () => disks, []),
      network: fake('network', () => NETWORK, NETWORK),
      processes: fake('processes', () => [], []),
    },
  };
}
