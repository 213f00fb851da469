// When neither nvidia-smi nor an AMD tool or driver is there: systeminformation's graphics(), on a
// slow cadence (it spawns lspci / system_profiler), so the widget shows the real GPU's name with
// null readings instead of nothing, or the original's invented all-zero "Integrated GPU". On
// Windows the names and memory sizes come from the registry through the agent instead.
import { of, type Observable } from 'rxjs';
import { mayHaveGpu } from '../../procfs/pci.js';
import type si from 'systeminformation';
import { systeminformation } from '../systeminformation.js';
import type { GpuStats } from '../../types.js';
import type { CollectorContext } from '../context.js';
import { poll, pollOptions } from '../poll.js';
import type { Sample } from '../sample.js';
import { gpuStats, vendorOf } from './gpu-stats.js';
import { gpusFromAgent } from '../../platform/win32/mapping.js';
import { withAgent } from '../../platform/win32/samplers.js';
import { mibToBytes } from './units.js';

type Controller = si.Systeminformation.GraphicsControllerData;

export { vendorOf } from './gpu-stats.js';

const n = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One entry per controller that has a name; readings stay null unless systeminformation really read them. */
export function gpuFromController(c: Controller, index: number): GpuStats | null {
  const name = (c.model || c.name || '').trim();
  if (!name) return null;
  // memoryTotal etc. are MiB when present (systeminformation gets them from nvidia-smi); a dedicated
  // card's `vram` (MiB) is its size; a dynamic (shared) vram is not a size.
  const total = mibToBytes(c.memoryTotal) ?? (!c.vramDynamic && c.vram && c.vram > 0 ? mibToBytes(c.vram) : null);
  return gpuStats({
    name,
    vendor: vendorOf(`${c.vendor} ${name}`),
    index,
    memory: { total, used: mibToBytes(c.memoryUsed), free: mibToBytes(c.memoryFree) },
    usage: n(c.utilizationGpu),
    temperature: n(c.temperatureGpu),
    fanSpeed: n(c.fanSpeed),
    powerDraw: n(c.powerDraw),
    clockCore: n(c.clockCore),
    clockMemory: n(c.clockMemory),
    pciBusId: c.pciBus || c.busAddress || null,
    driverVersion: c.driverVersion || null,
    powerLimit: n(c.powerLimit),
    memoryUtilization: n(c.utilizationMemory),
  });
}

export interface FallbackOptions {
  /** Cadence of graphics(); default 60 s. */
  intervalMs?: number;
  /** Injected for specs. */
  graphics?: () => Promise<{ controllers: Controller[] }>;
}

export function fallbackGpu(ctx: CollectorContext, options: FallbackOptions = {}): Observable<Sample<GpuStats[]>> {
  // On Linux graphics() lists what lspci finds (PCI display controllers) and a Raspberry Pi's GPU.
  // Where sysfs shows neither there is nothing to find: no module load, no 11 processes a minute.
  if (ctx.platform === 'linux' && !options.graphics && mayHaveGpu(ctx.sysRoot, ctx.procRoot) === false) {
    return of({ value: [], ok: true, source: 'sysfs (no display controller)', at: Date.now() });
  }
  // Names change rarely, so once a minute; a reading may take long (graphics() runs lspci and
  // others; on Windows the first answer waits for the agent's start, whose Add-Type compiles C#).
  const slowPoll = { ...pollOptions(ctx, [] as GpuStats[]), intervalMs: options.intervalMs ?? 60_000, timeoutMs: Math.max(ctx.timeoutMs, 15_000), primeMs: 0 };
  // Windows: names and memory sizes from the registry through the agent (no WMI, no process, and
  // not systeminformation's graphics(), which may run nvidia-smi with execFileSync and block).
  if (ctx.platform === 'win32' && !options.graphics) {
    return withAgent(ctx, (lease) => poll(() => ({
      async sample(signal: AbortSignal) {
        return { value: gpusFromAgent(await lease.request('gpus', { signal })), source: 'powershell agent (registry)' };
      },
    }), slowPoll));
  }
  const graphics = options.graphics ?? (async () => (await systeminformation()).graphics());
  return poll(() => ({
    async sample() {
      const { controllers } = await graphics();
      const value = controllers.map(gpuFromController).filter((g): g is GpuStats => g !== null);
      return { value, source: 'systeminformation' };
    },
  }), slowPoll);
}
