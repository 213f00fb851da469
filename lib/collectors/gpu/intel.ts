// The Intel back-end (Linux, i915 and xe), polled on the service's tick: sysfs for identity, clock,
// power and temperature (intel-sysfs.ts), the DRM clients' fdinfo for busy %, memory in use and the
// process list (drm-clients.ts). A baseline reading comes first, so the first sample already has
// busy % and power (both are deltas).
import type { Observable } from 'rxjs';
import type { GpuStats } from '../../types.js';
import type { CollectorContext } from '../context.js';
import { poll, type Sampler, pollOptions } from '../poll.js';
import type { Sample, SampleResult } from '../sample.js';
import { clientsVram, deviceUsage, processesOf, type DrmClientTracker } from './drm-clients.js';
import { gpuStats } from './gpu-stats.js';
import { findIntelCards, powerFromEnergy, readIntelCard, type IntelCard } from './intel-sysfs.js';
import { freeOf } from './units.js';

export interface IntelOptions {
  cards: IntelCard[];
  /** The DRM clients (fdinfo); without it (process lists turned off) busy % and processes are null. */
  clients?: DrmClientTracker;
  /** Appended to the source when some processes could not be read. */
  describe: (unreadable: number) => string;
}

export function intelGpu(ctx: CollectorContext, options: IntelOptions): Observable<Sample<GpuStats[]>> {
  const createSampler = (): Sampler<GpuStats[]> => {
    const energy = new Map<string, { uj: number | null; at: number }>();
    const readCards = () => {
      const at = ctx.scheduler.now();
      return options.cards.map((c) => {
        const r = readIntelCard(c);
        const before = energy.get(c.card);
        energy.set(c.card, { uj: r.energyMicroJoules, at });
        return { r, power: before ? powerFromEnergy(before.uj, r.energyMicroJoules, at - before.at) : null };
      });
    };
    return {
      baseline() {
        readCards();
        options.clients?.read();
      },
      sample(): SampleResult<GpuStats[]> {
        const cards = readCards();
        const { clients, unreadable } = options.clients?.read() ?? { clients: [], unreadable: 0 };
        const listed = options.clients !== undefined;
        const value = cards.map(({ r, power }) => {
          const asleep = r.powerState === 'suspended';
          const mine = clients.filter((c) => c.pdev === r.pciBusId?.toLowerCase());
          const used = r.vramTotal !== null ? clientsVram(clients, r.pciBusId) : null;
          return gpuStats({
            name: r.name,
            vendor: 'intel',
            index: r.index,
            memory: { total: r.vramTotal, used: listed ? used : null, free: listed ? freeOf(r.vramTotal, used) : null },
            usage: asleep ? 0 : !listed ? null : deviceUsage(clients, r.pciBusId) ?? (mine.length === 0 ? 0 : null),
            temperature: r.temperature,
            powerDraw: asleep ? null : power,
            clockCore: r.clockCore,
            pciBusId: r.pciBusId,
            driverVersion: null,
            powerLimit: r.powerLimit,
            processes: !listed ? null : asleep ? [] : processesOf(clients, r.pciBusId),
            powerState: r.powerState,
          });
        });
        return { value, source: `${[...new Set(options.cards.map((c) => c.driver))].join('/')} sysfs${options.describe(unreadable)}` };
      },
    };
  };
  return poll(createSampler, pollOptions(ctx, []));
}

export { findIntelCards };
