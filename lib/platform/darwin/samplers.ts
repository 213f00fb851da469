// The darwin collectors' samplers, for poll(): each reads the newest reading of a long-lived tool
// (top -l, vm_stat, netstat -w) once per tick, so steady state starts no process; `ioreg` is the one
// tool started per tick, and only by the GPU topic; `sysctl vm.swapusage` runs once every
// SWAP_EVERY_TICKS memory readings; `mount` once per subscription and again when /Volumes changes.
import { watch, type FSWatcher } from 'node:fs';
import { totalmem } from 'node:os';
import { Observable, map, scan } from 'rxjs';
import type { DiskSizes, GpuStats, MemoryStats, NetworkStats, ProcessStats } from '../../types.js';
import type { CollectorContext } from '../../collectors/context.js';
import type { Sampler } from '../../collectors/poll.js';
import type { SampleResult } from '../../collectors/sample.js';
import { diskStats, type StatFsSizes } from '../../collectors/disk-sizes.js';
import { COMMAND_LINE, type ProcessEntry } from '../../collectors/process-matcher.js';
import { resolveTool, runTool } from '../../tools/run-tool.js';
import { round2 } from '../../format/round.js';
import { acceleratorGpuStats, parseIoreg, readAccelerators, type AcceleratorReading } from './ioreg.js';
import { latestReading, type LatestReading } from './latest-reading.js';
import { lineSplitter, loopSeconds, loopToolOutput } from './loop-tool.js';
import { createTopPool, type TopPool } from './top-pool.js';
export { loopSeconds } from './loop-tool.js';
import { parseMountTable, selectDarwinMounts } from './mount.js';
import { parseNetstatRow, type NetstatInterval } from './netstat.js';
import { parseSwapUsage, type SwapUsage } from './swapusage.js';
import { createVmStatReader, memoryFromVmStat } from './vm-stat.js';

/** Where the tools are looked for (PATH), and the RAM size; injectable for specs. */
export interface DarwinToolOptions {
  env?: NodeJS.ProcessEnv;
  /** Bytes of RAM (default os.totalmem(), which is hw.memsize on macOS). */
  totalMemory?: number;
}

/** One `sysctl vm.swapusage` per this many memory readings (60 s at the default 2 s). */
export const SWAP_EVERY_TICKS = 30;

const BACKOFF = { firstMs: 2000, maxMs: 60_000 };

/** How long a reading waits for a loop tool that is still starting (within poll()'s timeout). */
const patience = (ctx: CollectorContext) => Math.max(10, ctx.timeoutMs - 100);


function tool(name: string, env: NodeJS.ProcessEnv | undefined): string {
  const found = resolveTool(name, (env ?? process.env).PATH, 'darwin');
  if (!found) throw new Error(`${name}: not found on PATH`);
  return found;
}

function keeper<T>(ctx: CollectorContext, name: string, start: () => Observable<T>): LatestReading<T> {
  const seconds = loopSeconds(ctx.intervalMs);
  return latestReading(start, { name, scheduler: ctx.scheduler, staleMs: 2 * seconds * 1000 + ctx.timeoutMs, backoff: BACKOFF });
}

/**
 * A loop tool's output as rows: each line goes through a parser made for this start (parsers may
 * keep state, like vm_stat's header), a line that is no row gives none, and one the parser cannot
 * read ends the stream with its error.
 */
function toolRows<T>(file: string, args: string[], env: NodeJS.ProcessEnv | undefined, createParser: () => (line: string) => T | null | undefined): Observable<T> {
  return new Observable<T>((subscriber) => {
    const parse = createParser();
    const split = lineSplitter((line) => {
      let row: T | null | undefined;
      try {
        row = parse(line);
      } catch (error) {
        subscriber.error(error);
        return;
      }
      if (row) subscriber.next(row);
    });
    return loopToolOutput(file, args, env).subscribe({ next: split, error: (e) => subscriber.error(e), complete: () => subscriber.complete() });
  });
}

/**
 * A sampler for poll() whose tool stops when the subscription ends. A reading may be undefined
 * while its loop tool is still starting: poll() then emits nothing for that tick (it drops a falsy
 * reading), so a slow start is not reported as an error.
 */
export interface StoppableSampler<T> {
  sample(signal?: AbortSignal): Promise<SampleResult<T> | undefined>;
  stop(): void;
}

// ---- memory: vm_stat <s> -------------------------------------------------------------------

export function darwinMemorySampler(ctx: CollectorContext, options: DarwinToolOptions = {}): StoppableSampler<MemoryStats> {
  const total = options.totalMemory ?? totalmem();
  const rows = keeper(ctx, 'vm_stat', () => {
    const file = tool('vm_stat', options.env);
    return toolRows(file, [String(loopSeconds(ctx.intervalMs))], options.env, createVmStatReader);
  });
  let swap: SwapUsage | undefined;
  let swapRead: Promise<void> | undefined;
  let readings = 0;
  const refreshSwap = (signal?: AbortSignal) => {
    // A missing or failing sysctl leaves swap at its last figure (0 before any): memory goes on.
    swapRead ??= Promise.resolve()
      .then(() => runTool(tool('sysctl', options.env), ['-n', 'vm.swapusage'], { timeoutMs: ctx.timeoutMs, ...(signal ? { signal } : {}), ...(options.env ? { env: options.env } : {}) }))
      .then((r) => { swap = parseSwapUsage(r.stdout); }, () => { /* swap stays as last read */ })
      .finally(() => { swapRead = undefined; });
    return swapRead;
  };
  return {
    async sample(signal) {
      // The first reading waits for swap; later ones use the last figure while a refresh runs.
      if (readings++ % SWAP_EVERY_TICKS === 0) {
        const pending = refreshSwap();
        if (swap === undefined) await pending;
      }
      const row = await rows.readOrNothing(signal, patience(ctx));
      if (!row) return undefined;
      return { value: memoryFromVmStat(row, total, swap ?? { total: 0, used: 0 }), source: 'vm_stat loop' };
    },
    stop: () => rows.stop(),
  };
}

const fallbackPools = new WeakMap<object, TopPool>();

/** The context's top loop, or one of its own for a context made without (a library user's, a spec's). */
export function topPool(ctx: Pick<CollectorContext, 'top' | 'intervalMs' | 'timeoutMs' | 'scheduler'>, env?: NodeJS.ProcessEnv): TopPool {
  if (ctx.top) return ctx.top;
  let pool = fallbackPools.get(ctx);
  if (!pool) fallbackPools.set(ctx, (pool = createTopPool({ intervalMs: ctx.intervalMs, timeoutMs: ctx.timeoutMs, scheduler: ctx.scheduler, ...(env ? { env } : {}) })));
  return pool;
}

// ---- processes: top -l 0 -s <s> -stats pid,cpu,mem,state,command ----------------------------

const STATES: Record<string, string> = { sleeping: 'sleep', running: 'running', stopped: 'stop', zombie: 'zombie', stuck: 'disk-sleep', halted: 'dead', idle: 'idle' };

export function darwinProcessSampler(ctx: CollectorContext, options: DarwinToolOptions & { exposeCommandLine?: boolean } = {}): StoppableSampler<ProcessStats[]> {
  const total = options.totalMemory ?? totalmem();
  // The monitor's one top loop, shared with the disk collector (its Disks line).
  const lease = topPool(ctx, options.env).acquire();
  return {
    async sample(signal) {
      const reading = await lease.read(signal, patience(ctx));
      // top's first sample has no interval behind its %CPU: nothing emitted until the second.
      if (!reading || reading.index === 0) return undefined;
      const { sample } = reading;
      const processes = sample.processes.map((p): ProcessEntry => {
        const rss = p.mem ?? 0;
        // top shows the name (cut to 16 characters), not the arguments: matching sees only that.
        const entry: ProcessEntry = {
          pid: p.pid,
          name: p.command,
          cpu: round2(p.cpu ?? 0),
          memory: total > 0 ? round2((rss / total) * 100) : 0,
          status: STATES[p.state] ?? p.state,
          rss,
          [COMMAND_LINE]: p.command,
        };
        if (options.exposeCommandLine) entry.command = p.command;
        return entry;
      });
      processes.sort((a, b) => b.cpu - a.cpu || b.rss - a.rss || a.pid - b.pid);
      return { value: processes, source: 'top loop' };
    },
    stop: () => lease.release(),
  };
}

// ---- network: netstat -w <s> ---------------------------------------------------------------

interface NetworkTally {
  totals: NetstatInterval;
  last: NetstatInterval;
}

export function darwinNetworkSampler(ctx: CollectorContext, options: DarwinToolOptions = {}): StoppableSampler<NetworkStats> {
  const seconds = loopSeconds(ctx.intervalMs);
  const tallies = keeper(ctx, 'netstat', () => {
    const file = tool('netstat', options.env);
    return toolRows(file, ['-w', String(seconds)], options.env, () => parseNetstatRow).pipe(
      scan((tally: NetworkTally | undefined, row): NetworkTally => ({
        totals: {
          packetsIn: (tally?.totals.packetsIn ?? 0) + row.packetsIn,
          bytesIn: (tally?.totals.bytesIn ?? 0) + row.bytesIn,
          packetsOut: (tally?.totals.packetsOut ?? 0) + row.packetsOut,
          bytesOut: (tally?.totals.bytesOut ?? 0) + row.bytesOut,
        },
        last: row,
      }), undefined),
      map((t) => t!),
    );
  });
  return {
    async sample(signal) {
      const tally = await tallies.readOrNothing(signal, patience(ctx));
      if (!tally) return undefined;
      const { totals, last } = tally;
      const rate = (n: number) => round2(n / seconds);
      return {
        source: 'netstat loop',
        value: {
          // Counted from when this collector started: macOS has no since-boot total without a run per tick.
          bytesSent: totals.bytesOut,
          bytesRecv: totals.bytesIn,
          packetsSent: totals.packetsOut,
          packetsRecv: totals.packetsIn,
          bytesSentPerSec: rate(last.bytesOut),
          bytesRecvPerSec: rate(last.bytesIn),
          packetsSentPerSec: rate(last.packetsOut),
          packetsRecvPerSec: rate(last.packetsIn),
          interfaces: [],
        },
      };
    },
    stop: () => tallies.stop(),
  };
}

// ---- disk: mount once (and when /Volumes changes), fs.statfs per volume --------------------

/** The disk collector's own rules, passed in (disk.ts owns them; importing it here would be a cycle). */
export interface DarwinDiskOptions extends DarwinToolOptions {
  /** statfs with its deadline (disk-sizes.ts boundedStatfs). */
  sizeOf: (path: string) => Promise<StatFsSizes | undefined>;
  /** Whether a mount is a filesystem worth listing (disk.ts isListedFilesystem, with its network-fs choice). */
  isListed: (fstype: string, mountpoint: string) => boolean;
  /** Watched for volumes coming and going (default /Volumes). */
  volumesDir?: string;
}

const MOUNT_RETRY_MS = 30_000;

export function darwinDiskSampler(ctx: CollectorContext, options: DarwinDiskOptions): StoppableSampler<DiskSizes[]> {
  let table: Promise<ReturnType<typeof selectDarwinMounts>> | undefined;
  let tableFailedAt: number | undefined;
  let watcher: FSWatcher | undefined;
  const readTable = () => runTool(tool('mount', options.env), [], { timeoutMs: Math.max(ctx.timeoutMs, 5000), ...(options.env ? { env: options.env } : {}) })
    .then((r) => selectDarwinMounts(parseMountTable(r.stdout), options.isListed));
  const watchVolumes = () => {
    if (watcher) return;
    try {
      watcher = watch(options.volumesDir ?? '/Volumes', { persistent: false }, () => { table = undefined; });
      watcher.on('error', () => { watcher?.close(); watcher = undefined; });
    } catch {
      // No /Volumes (not macOS): the table is read once.
    }
  };
  const measure = async (mount: { source: string; mountpoint: string; fstype: string }): Promise<DiskSizes | undefined> => {
    const sizes = await options.sizeOf(mount.mountpoint);
    return sizes ? diskStats(mount, sizes) : undefined;
  };
  return {
    async sample() {
      watchVolumes();
      // A failed `mount` is asked again after MOUNT_RETRY_MS, not at every tick.
      if (table && tableFailedAt !== undefined && ctx.scheduler.now() - tableFailedAt >= MOUNT_RETRY_MS) table = undefined;
      if (!table) {
        tableFailedAt = undefined;
        table = Promise.resolve().then(readTable);
        table.catch(() => { tableFailedAt = ctx.scheduler.now(); });
      }
      const mounts = await table;
      const disks = await Promise.all(mounts.map(measure));
      return { value: disks.filter((d): d is DiskSizes => d !== undefined), source: 'mount + statfs' };
    },
    stop: () => { watcher?.close(); watcher = undefined; },
  };
}

// ---- gpu: ioreg once per tick ---------------------------------------------------------------

export const IOREG_ARGS = ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'] as const;

export function darwinGpuSampler(ctx: CollectorContext, options: DarwinToolOptions = {}): Sampler<GpuStats[]> {
  const unified = options.totalMemory ?? totalmem();
  // Model and core count do not change: the first reading's are kept when a later dump lacks them.
  const facts = new Map<string, Pick<AcceleratorReading, 'model' | 'coreCount'>>();
  return {
    async sample(signal) {
      const { stdout } = await runTool(tool('ioreg', options.env), IOREG_ARGS, { timeoutMs: ctx.timeoutMs, ...(signal ? { signal } : {}), ...(options.env ? { env: options.env } : {}) });
      const readings = readAccelerators(parseIoreg(stdout)).map((r) => {
        const known = facts.get(r.className);
        if (!known && (r.model || r.coreCount !== null)) facts.set(r.className, { model: r.model, coreCount: r.coreCount });
        return known ? { ...r, model: r.model ?? known.model, coreCount: r.coreCount ?? known.coreCount } : r;
      });
      return { value: acceleratorGpuStats(readings, unified), source: 'ioreg' };
    },
  };
}
