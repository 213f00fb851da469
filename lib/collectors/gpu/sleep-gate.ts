// Never wake or pin a sleeping GPU (laptops with a discrete GPU). Wraps a tool back-end (nvidia-smi)
// whose queries would resume a runtime-suspended GPU and whose long-lived loop child keeps it awake:
//
//   querying ── every GPU's power/runtime_status reads suspended ──► asleep: the tool is stopped,
//      ▲        (checked every interval, a file read)                 readings from the last known
//      │                                                              (name, total memory), usage 0,
//      │                                                              power and clocks null
//      │                                                              powerState "suspended"
//      ├──────────── runtime_status reads active again ◄─────────────┘
//      │
//      └─ no process and usage 0 for `idleIntervals` readings, power/control = auto ──► parked: the
//         loop child is stopped so the GPU can suspend; querying resumes when runtime_status shows
//         it was woken (suspended, then active), or after `graceIntervals` if it never suspends
//         (then parking is not tried again in this subscription).
// power/control = on (desktops, servers: runtime PM off) never parks: today's behaviour.
import { Observable, timer, type Subscription } from 'rxjs';
import { lookupPciName } from '../../procfs/pci.js';
import { tryReadFast } from '../../procfs/read.js';
import type { GpuPowerState, GpuStats, GpuVendor } from '../../types.js';
import type { CollectorContext } from '../context.js';
import type { Sample } from '../sample.js';
import { gpuStats } from './gpu-stats.js';
import { findNvidiaPciDevices, readRuntimePm } from './runtime-pm.js';

export interface SleepGateOptions {
  /** sysfs directories of the PCI devices the tool queries (all of them must sleep for the tool to stop). */
  devices: string[];
  vendor: GpuVendor;
  /** Names the tool, in `source`. */
  tool: string;
  /** Idle readings before the loop child is stopped (runtime PM on auto only). Default 5. */
  idleIntervals?: number;
  /** How long a parked GPU may stay active without suspending before querying resumes. Default 15 intervals. */
  graceIntervals?: number;
}

type GpuSample = Sample<GpuStats[]>;

/** What is shown for a GPU that is not queried: identity and total memory, nothing that needs the device. */
export function restingGpu(last: GpuStats, powerState: GpuPowerState): GpuStats {
  return gpuStats({
    name: last.name, vendor: last.vendor, index: last.index, uuid: last.uuid, pciBusId: last.pciBusId,
    driverVersion: last.driverVersion, powerLimit: last.powerLimit,
    memory: { total: last.memory.total, used: null, free: null },
    usage: 0, processes: [], powerState,
  });
}

export function sleepAware(ctx: CollectorContext, inner: Observable<GpuSample>, options: SleepGateOptions): Observable<GpuSample> {
  const idleIntervals = options.idleIntervals ?? 5;
  const graceMs = (options.graceIntervals ?? 15) * ctx.intervalMs;
  return new Observable<GpuSample>((subscriber) => {
    let mode: 'querying' | 'asleep' | 'parked' = 'querying';
    let last: GpuStats[] | undefined;
    let innerSub: Subscription | undefined;
    let idle = 0;
    let parkedAt = 0;
    let sawSuspended = false;
    let parkingUseless = false;

    const states = () => options.devices.map(readRuntimePm);
    const allAsleep = () => { const s = states(); return s.length > 0 && s.every((x) => x.powerState === 'suspended'); };
    const runtimePmAuto = () => states().every((x) => x.control === 'auto');

    /** Before any reading (the service started while the GPU slept): the PCI name, nothing else. */
    const fromSysfs = (): GpuStats[] => options.devices.map((dir, index) => {
      const device = tryReadFast(`${dir}/device`)?.trim() ?? '';
      const vendor = tryReadFast(`${dir}/vendor`)?.trim() ?? '';
      return gpuStats({
        name: lookupPciName(vendor, device) ?? `${options.tool === 'nvidia-smi' ? 'NVIDIA' : 'GPU'} ${device}`.trim(),
        vendor: options.vendor, index, pciBusId: dir.split('/').pop() ?? null,
        memory: { total: null, used: null, free: null }, usage: 0, processes: [], powerState: 'suspended',
      });
    });
    const emitResting = (powerState: GpuPowerState, why: string) => {
      const value = last ? last.map((g) => restingGpu(g, powerState)) : fromSysfs();
      subscriber.next({ value, ok: true, source: `${options.tool} (${why})`, at: Date.now() });
    };

    const onSample = (sample: GpuSample) => {
      if (!sample.ok || sample.value.length === 0) { subscriber.next(sample); return; }
      last = sample.value;
      subscriber.next({ ...sample, value: sample.value.map((g) => ({ ...g, powerState: 'active' })) });
      const quiet = sample.value.every((g) => (g.usage ?? 0) === 0 && (g.processes?.length ?? 0) === 0);
      idle = quiet ? idle + 1 : 0;
      if (idle >= idleIntervals && !parkingUseless && runtimePmAuto()) {
        stop();
        mode = 'parked';
        parkedAt = ctx.scheduler.now();
        sawSuspended = false;
      }
    };
    const start = () => {
      idle = 0;
      mode = 'querying';
      innerSub = inner.subscribe({ next: onSample, error: (e: unknown) => subscriber.error(e), complete: () => subscriber.complete() });
    };
    function stop() {
      innerSub?.unsubscribe();
      innerSub = undefined;
    }

    const check = () => {
      const asleep = allAsleep();
      if (mode === 'querying') {
        if (asleep) { stop(); mode = 'asleep'; emitResting('suspended', 'GPU runtime-suspended: not queried'); }
        return;
      }
      if (asleep) { sawSuspended = true; emitResting('suspended', 'GPU runtime-suspended: not queried'); return; }
      if (mode === 'asleep' || sawSuspended) { start(); return; } // something woke it
      if (ctx.scheduler.now() - parkedAt >= graceMs) { parkingUseless = true; start(); return; }
      emitResting('active', 'idle: not queried so the GPU can suspend');
    };

    if (allAsleep()) {
      mode = 'asleep';
      emitResting('suspended', 'GPU runtime-suspended: not queried');
    } else {
      start();
    }
    const ticks = timer(ctx.intervalMs, ctx.intervalMs, ctx.scheduler).subscribe(check);
    return () => { ticks.unsubscribe(); stop(); };
  });
}

/** nvidia-smi behind the gate on Linux when sysfs shows runtime PM for the NVIDIA GPUs; unchanged elsewhere. */
export function nvidiaSleepGate(ctx: CollectorContext): (source: Observable<GpuSample>) => Observable<GpuSample> {
  const devices = ctx.platform === 'linux' ? findNvidiaPciDevices(ctx.sysRoot) : [];
  if (!devices.some((d) => readRuntimePm(d).powerState !== null)) return (source) => source;
  return (source) => sleepAware(ctx, source, { devices, vendor: 'nvidia', tool: 'nvidia-smi' });
}
