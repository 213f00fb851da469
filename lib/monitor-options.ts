import { isAbsolute } from 'node:path';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { CollectorOptions, CollectorSet } from './collectors/registry.js';
import type { GpuOptions } from './collectors/gpu/index.js';
import { createProcessMatcher, type ProcessMatcher } from './collectors/process-matcher.js';
import type { Logger } from './log.js';
import type { Topic } from './types.js';
import { SERVICE_DEFAULTS } from './defaults.js';
import { checkMs, checkWhole, OptionError } from './option-check.js';
import { TOPICS } from './types.js';

export interface ProcessOptions {
  /** How many matching processes `processes` lists (default 25). */
  limit?: number;
  /** Extra patterns (regex source strings or RegExps) added to the AI/ML matcher. */
  match?: (string | RegExp)[];
  /** Replace the built-in AI/ML patterns instead of adding to them. */
  replaceDefaults?: boolean;
  /** Expose each process's full command line as `command` (off: they often carry tokens). */
  exposeCommandLine?: boolean;
}

export interface MonitorOptions {
  /** Sampling interval of every collector, ms (default 2000). */
  intervalMs?: number;
  /** Per-topic intervals, ms, overriding `intervalMs`. */
  intervals?: Partial<Record<Topic, number>>;
  /** How long collection goes on after the last listener leaves, ms (default 5000). */
  lingerMs?: number;
  /** A single reading taking longer is abandoned and reported, ms (default: min(interval, 5000)). */
  timeoutMs?: number;
  /** A collector with no reading by then contributes a placeholder, ms (default 2500). */
  firstSampleTimeoutMs?: number;
  /** Gap between the baseline and the first CPU/process reading, ms (default 250). */
  primeMs?: number;
  /** How far back `history()` reaches, ms (default 600000 = 10 min; 0 keeps none). At most 3600 readings per topic. */
  historyMs?: number;
  processes?: ProcessOptions;
  gpu?: GpuOptions;
  /** Disk: include network and FUSE filesystems (each probed apart with a timeout). */
  includeNetworkFilesystems?: boolean;
  /** For specs and embedding: a virtual-time scheduler, other /proc and /sys roots, other collectors. */
  scheduler?: SchedulerLike;
  procRoot?: string;
  sysRoot?: string;
  platform?: NodeJS.Platform;
  collectors?: Partial<CollectorSet>;
  logger?: Logger;
}

export interface ResolvedMonitorOptions {
  intervalMs: number;
  intervals: Record<Topic, number>;
  lingerMs: number;
  timeoutMs: number;
  firstSampleTimeoutMs: number;
  primeMs: number;
  historyMs: number;
  processes: { limit: number; matcher: ProcessMatcher; exposeCommandLine: boolean };
  gpu: GpuOptions;
  includeNetworkFilesystems: boolean;
  scheduler: SchedulerLike;
  procRoot: string;
  sysRoot: string;
  platform: NodeJS.Platform;
  collectors: Partial<CollectorSet>;
  logger?: Logger;
}

export const MIN_INTERVAL_MS = SERVICE_DEFAULTS.minIntervalMs;
export const MAX_INTERVAL_MS = SERVICE_DEFAULTS.maxIntervalMs;
export const MAX_HISTORY_MS = SERVICE_DEFAULTS.maxHistoryMs;

/**
 * How often a selection of topics is sent: the requested interval, but never faster than the
 * fastest of their collectors (what `select()` paces on, and what a WebSocket client is told).
 */
export function selectionPace(intervals: Readonly<Record<Topic, number>>, topics: readonly Topic[], requestedMs?: number | null): number {
  return Math.max(requestedMs ?? 0, Math.min(...topics.map((t) => intervals[t])));
}

export function resolveMonitorOptions(options: MonitorOptions = {}): ResolvedMonitorOptions {
  if (options === null || typeof options !== 'object') throw new OptionError('monitor options must be an object');
  const intervalMs = checkMs('intervalMs', options.intervalMs ?? SERVICE_DEFAULTS.intervalMs, MIN_INTERVAL_MS, MAX_INTERVAL_MS);
  const intervals = {} as Record<Topic, number>;
  for (const [topic, value] of Object.entries(options.intervals ?? {})) {
    if (!TOPICS.includes(topic as Topic)) throw new OptionError(`intervals.${topic}: unknown topic (known: ${TOPICS.join(', ')})`);
    if (value !== undefined) intervals[topic as Topic] = checkMs(`intervals.${topic}`, value, MIN_INTERVAL_MS, MAX_INTERVAL_MS);
  }
  for (const t of TOPICS) intervals[t] ??= intervalMs;
  const lingerMs = checkMs('lingerMs', options.lingerMs ?? SERVICE_DEFAULTS.lingerMs, 0, MAX_INTERVAL_MS);
  const timeoutMs = checkMs('timeoutMs', options.timeoutMs ?? Math.min(intervalMs, 5000), 10, 600_000);
  const firstSampleTimeoutMs = checkMs('firstSampleTimeoutMs', options.firstSampleTimeoutMs ?? 2500, 10, 600_000);
  const primeMs = checkMs('primeMs', options.primeMs ?? 250, 10, 10_000);
  const p = options.processes ?? {};
  const limit = checkWhole('processes.limit', p.limit ?? SERVICE_DEFAULTS.processLimit, 1, 10_000);
  if (p.match !== undefined && !Array.isArray(p.match)) throw new OptionError('processes.match must be an array of patterns');
  const matcher = createProcessMatcher({ extra: p.match ?? [], replaceDefaults: p.replaceDefaults ?? false });
  return {
    intervalMs,
    intervals,
    lingerMs,
    timeoutMs,
    firstSampleTimeoutMs,
    primeMs,
    historyMs: checkMs('historyMs', options.historyMs ?? SERVICE_DEFAULTS.historyMs, 0, MAX_HISTORY_MS),
    processes: { limit, matcher, exposeCommandLine: p.exposeCommandLine ?? false },
    gpu: checkGpuOptions(options.gpu ?? {}),
    includeNetworkFilesystems: options.includeNetworkFilesystems ?? false,
    scheduler: options.scheduler ?? asyncScheduler,
    procRoot: options.procRoot ?? '/proc',
    sysRoot: options.sysRoot ?? '/sys',
    platform: options.platform ?? process.platform,
    collectors: options.collectors ?? {},
    ...(options.logger ? { logger: options.logger } : {}),
  };
}

/** What each default collector needs from the resolved monitor options. */
export function collectorOptions(resolved: ResolvedMonitorOptions): CollectorOptions {
  return {
    gpu: resolved.gpu,
    disk: { includeNetworkFs: resolved.includeNetworkFilesystems },
    processes: { exposeCommandLine: resolved.processes.exposeCommandLine },
  };
}

const GPU_VENDORS = ['auto', 'nvidia', 'amd', 'fallback', 'off'];

function checkGpuOptions(gpu: GpuOptions): GpuOptions {
  if (gpu === null || typeof gpu !== 'object') throw new OptionError('gpu options must be an object');
  for (const key of ['nvidiaSmiPath', 'rocmSmiPath', 'amdSmiPath'] as const) {
    const path = gpu[key];
    if (path === undefined) continue;
    // Tools run by absolute path only: never looked up relative to whatever the cwd is.
    if (typeof path !== 'string' || !isAbsolute(path)) throw new OptionError(`gpu.${key} must be an absolute path, got ${JSON.stringify(path)}`);
  }
  if (gpu.vendor !== undefined && !GPU_VENDORS.includes(gpu.vendor)) {
    throw new OptionError(`gpu.vendor must be one of ${GPU_VENDORS.join(', ')}, got ${JSON.stringify(gpu.vendor)}`);
  }
  if (gpu.processIntervalMs !== undefined && gpu.processIntervalMs !== 0) checkMs('gpu.processIntervalMs', gpu.processIntervalMs, 500, MAX_INTERVAL_MS);
  if (gpu.fallbackIntervalMs !== undefined) checkMs('gpu.fallbackIntervalMs', gpu.fallbackIntervalMs, 1000, MAX_INTERVAL_MS);
  return gpu;
}
