// The GPU collector: picks the back-end(s) for this machine and emits one GPU list per sample.
//
//   nvidia-smi on PATH      → nvidia.ts (one long-lived loop-mode child per subscription); on Linux
//                             behind sleep-gate.ts, which never queries a runtime-suspended GPU
//   amdgpu in sysfs (Linux) → amd.ts reading sysfs; else rocm-smi; else amd-smi
//   i915/xe in sysfs        → intel.ts (Linux)
//   several                 → all, their lists concatenated
//   macOS, no vendor tool   → ioreg (lib/platform/darwin: one `ioreg -c IOAccelerator` per tick)
//   none                    → fallback.ts (systeminformation graphics(); on Windows the registry via
//                             the agent: names with null readings)
// AMD (sysfs) and Intel list their processes from the DRM clients' fdinfo (drm-clients.ts, one
// scanner per subscription shared by both).
//
// Faults never hold the stream back: each back-end's first sample comes within ctx.timeoutMs (so a
// slow one never holds back the others in the combined list), and a failed reading is `[]` with
// ok:false and a one-line `error` (no stale values are repeated).
import { combineLatest, defer, from, map, of, switchMap, type Observable } from 'rxjs';
import { promptFirst } from '../../stream/prompt-first.js';
import type { GpuStats } from '../../types.js';
import type { CollectorContext, CollectorFactory } from '../context.js';
import type { Sample } from '../sample.js';
import { resolveTool } from '../../tools/run-tool.js';
import { amdGpu, type AmdSource } from './amd.js';
import { findAmdCards } from './amd-sysfs.js';
import { fallbackGpu } from './fallback.js';
import { nvidiaGpu } from './nvidia.js';
import { darwinGpu } from '../../platform/darwin/collectors.js';
import { describeUnreadable, drmClientsFor } from './drm-clients.js';
import { findIntelCards, intelGpu } from './intel.js';
import type { IntelCard } from './intel-sysfs.js';
import { nvidiaSleepGate } from './sleep-gate.js';

export type GpuVendorPreference = 'auto' | 'nvidia' | 'amd' | 'fallback' | 'off';

export interface GpuOptions {
  /** Path of nvidia-smi; default: searched on PATH once. */
  nvidiaSmiPath?: string;
  rocmSmiPath?: string;
  amdSmiPath?: string;
  /** Cadence of the per-GPU process list (`--query-compute-apps`); default 10 000 ms, 0 turns it off. */
  processIntervalMs?: number;
  /**
   * Which back-end: 'auto' (default) uses every vendor tool or driver found and falls back to
   * systeminformation; 'nvidia' / 'amd' use only that vendor; 'fallback' only systeminformation;
   * 'off' emits `[]` once.
   */
  vendor?: GpuVendorPreference;
  /** Cadence of the systeminformation fallback; default 60 000 ms. */
  fallbackIntervalMs?: number;
  /** Environment for the tools; its PATH is also where they are looked for. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** For specs: how long nvidia-smi's first query may take, and the crash-restart backoff. */
  probeTimeoutMs?: number;
  backoff?: { firstMs: number; maxMs: number };
}

export const DEFAULT_PROCESS_INTERVAL_MS = 10_000;

interface Plan {
  /** macOS: ioreg's IOAccelerator services (Apple silicon, Intel and AMD GPUs of Intel Macs). */
  ioreg: string | null;
  nvidia: string | null;
  amd: AmdSource | null;
  rocmSmi: string | null;
  amdSmi: string | null;
  intel: IntelCard[];
}

async function plan(ctx: CollectorContext, options: GpuOptions): Promise<Plan> {
  const vendor = options.vendor ?? 'auto';
  const pathEnv = (options.env ?? process.env).PATH ?? (options.env ?? process.env).Path;
  const find = (given: string | undefined, name: string) => (given ? resolveTool(given, pathEnv, ctx.platform) : resolveTool(name, pathEnv, ctx.platform));
  const wantNvidia = vendor === 'auto' || vendor === 'nvidia';
  const wantAmd = vendor === 'auto' || vendor === 'amd';
  const nvidia = wantNvidia ? find(options.nvidiaSmiPath, 'nvidia-smi') : null;
  const rocmSmi = wantAmd ? find(options.rocmSmiPath, 'rocm-smi') : null;
  const amdSmi = wantAmd ? find(options.amdSmiPath, 'amd-smi') : null;
  let amd: AmdSource | null = null;
  if (wantAmd) {
    if (ctx.platform === 'linux' && (await findAmdCards(ctx.sysRoot)).length > 0) amd = 'sysfs';
    else if (rocmSmi) amd = 'rocm-smi';
    else if (amdSmi) amd = 'amd-smi';
  }
  const intel = vendor === 'auto' && ctx.platform === 'linux' ? findIntelCards(ctx.sysRoot) : [];
  const ioreg = vendor === 'auto' && ctx.platform === 'darwin' ? find(undefined, 'ioreg') : null;
  return { ioreg, nvidia, amd, rocmSmi, amdSmi, intel };
}

/**
 * A back-end as the GPU topic uses it: a failed reading shows `[]` (this service's choice, not
 * poll()'s last good value), and a placeholder naming the tool comes if it has no first sample
 * within ctx.timeoutMs.
 */
function backend(ctx: CollectorContext, name: string, stream: Observable<Sample<GpuStats[]>>): Observable<Sample<GpuStats[]>> {
  return stream.pipe(
    map((sample): Sample<GpuStats[]> => (sample.ok ? sample : { ...sample, value: [] })),
    promptFirst((): Sample<GpuStats[]> => ({ value: [], ok: false, error: `${name}: no answer yet`, source: name, at: Date.now() }), ctx.timeoutMs, ctx.scheduler),
  );
}

function errorOnce(error: string, source: string): Observable<Sample<GpuStats[]>> {
  return of({ value: [], ok: false, error, source, at: Date.now() });
}

/**
 * Concatenate several back-ends' lists. The sample is ok when every back-end is, or when one
 * delivers GPUs and the others only found none (an NVIDIA box that also has ROCm tools installed
 * is healthy); the failing back-ends are then named in `source` instead of marking the GPU topic
 * as broken.
 */
function combine(streams: Observable<Sample<GpuStats[]>>[]): Observable<Sample<GpuStats[]>> {
  if (streams.length === 1) return streams[0]!;
  return combineLatest(streams).pipe(
    map((samples): Sample<GpuStats[]> => {
      const failed = samples.filter((s) => !s.ok);
      const errors = failed.map((s) => s.error ?? 'unknown error');
      const working = samples.some((s) => s.ok && s.value.length > 0) && failed.every((s) => s.value.length === 0);
      const sources = samples.filter((s) => s.ok || !working).map((s) => s.source).filter(Boolean).join(' + ');
      return {
        value: samples.flatMap((s) => s.value),
        ok: errors.length === 0 || working,
        ...(errors.length > 0 && !working ? { error: errors.join('; ') } : {}),
        source: working && errors.length > 0 ? `${sources} (also tried, failed: ${errors.join('; ')})` : sources,
        at: Math.max(...samples.map((s) => s.at)),
      };
    }),
  );
}

export const gpuCollector: CollectorFactory<GpuStats[], GpuOptions> = (ctx, options) => {
  const vendor = options.vendor ?? 'auto';
  if (vendor === 'off') return of({ value: [], ok: true, source: 'off', at: Date.now() });
  const env = options.env;
  const chosen = defer(() => from(plan(ctx, options))).pipe(
    switchMap((p) => {
      const streams: Observable<Sample<GpuStats[]>>[] = [];
      const processIntervalMs = options.processIntervalMs ?? DEFAULT_PROCESS_INTERVAL_MS;
      const clients = processIntervalMs > 0 && (p.amd === 'sysfs' || p.intel.length > 0) ? drmClientsFor(ctx, processIntervalMs) : undefined;
      if (p.nvidia) {
        streams.push(backend(ctx, 'nvidia-smi', nvidiaSleepGate(ctx)(nvidiaGpu(ctx, {
          smiPath: p.nvidia,
          processIntervalMs,
          ...(env ? { env } : {}),
          ...(options.probeTimeoutMs ? { probeTimeoutMs: options.probeTimeoutMs } : {}),
          ...(options.backoff ? { backoff: options.backoff } : {}),
        }))));
      } else if (vendor === 'nvidia') {
        streams.push(errorOnce('nvidia-smi: not found on PATH', 'nvidia-smi'));
      }
      if (p.amd) {
        streams.push(backend(ctx, p.amd, amdGpu(ctx, {
          source: p.amd, rocmSmiPath: p.rocmSmi, amdSmiPath: p.amdSmi, ...(env ? { env } : {}),
          ...(clients && p.amd === 'sysfs' ? { clients, describeClients: describeUnreadable } : {}),
        })));
      } else if (vendor === 'amd') {
        streams.push(errorOnce('amd: no amdgpu device in sysfs, and neither rocm-smi nor amd-smi on PATH', 'amd'));
      }
      if (p.intel.length > 0) {
        streams.push(backend(ctx, 'intel', intelGpu(ctx, {
          cards: p.intel,
          ...(clients ? { clients } : {}),
          describe: clients ? describeUnreadable : () => '',
        })));
      }
      if (streams.length === 0 && p.ioreg) {
        streams.push(backend(ctx, 'ioreg', darwinGpu(ctx, env ? { env } : {})));
      }
      if (streams.length === 0) {
        streams.push(backend(ctx, 'systeminformation', fallbackGpu(ctx, options.fallbackIntervalMs ? { intervalMs: options.fallbackIntervalMs } : {})));
      }
      return combine(streams);
    }),
  );
  // Planning is a few local file checks; each back-end then answers within ctx.timeoutMs.
  return chosen;
};

export { nvidiaGpu } from './nvidia.js';
export { amdGpu } from './amd.js';
export { fallbackGpu } from './fallback.js';
