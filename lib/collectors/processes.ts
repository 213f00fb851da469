import si from 'systeminformation';
import type { ProcessStats } from '../types.js';
import type { CollectorContext, CollectorFactory } from './context.js';
import { poll, type Sampler } from './poll.js';
import { COMMAND_LINE, type ProcessEntry } from './process-matcher.js';
import { parsePidStat, type PidStat } from '../procfs/pid-stat.js';
import { parseMeminfo } from '../procfs/meminfo.js';
import { readText, tryReadDir, tryReadText } from '../procfs/read.js';
import { round2 } from '../format/round.js';

export interface ProcessesOptions {
  /** Expose each process's full command line as `command`. Off by default: command lines carry tokens. */
  exposeCommandLine?: boolean;
  /** Bytes per page for the rss field of /proc/<pid>/stat (default 4096; arm64 kernels may use 16 or 64 KiB). */
  pageSize?: number;
}

/** USER_HZ: the unit of utime/stime; 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
const STATUS_WORDS: Record<string, string> = {
  R: 'running',
  S: 'sleep',
  I: 'idle',
  D: 'disk-sleep',
  T: 'stop',
  t: 'tracing-stop',
  Z: 'zombie',
  X: 'dead',
  x: 'dead',
  P: 'parked',
  W: 'paging',
};

/** Every process, busiest first: CPU % over the last interval (like top), RSS, status. */
export const processesCollector: CollectorFactory<ProcessStats[], ProcessesOptions> = (ctx, options = {}) =>
  poll(
    () => (ctx.platform === 'linux'
      ? procfsProcessSampler(ctx, options)
      : systeminformationProcessSampler(ctx.platform, options.exposeCommandLine ?? false)),
    {
      intervalMs: ctx.intervalMs,
      timeoutMs: ctx.timeoutMs,
      primeMs: ctx.primeMs,
      placeholder: [],
      scheduler: ctx.scheduler,
    },
  );

/** What is read once per process lifetime (pid + start time): the command line and the display name. */
interface Identity {
  name: string;
  commandLine: string;
}

interface Reading {
  stat: PidStat;
  identity: Identity;
}

export function procfsProcessSampler(
  ctx: Pick<CollectorContext, 'procRoot' | 'scheduler'>,
  options: ProcessesOptions = {},
): Sampler<ProcessStats[]> {
  const pageSize = options.pageSize ?? 4096;
  const exposeCommandLine = options.exposeCommandLine ?? false;
  let identities = new Map<string, Identity>();
  let previous: { at: number; ticks: Map<string, number> } | undefined;

  const readAll = (): Reading[] => {
    const next = new Map<string, Identity>();
    const readings: Reading[] = [];
    for (const entry of tryReadDir(ctx.procRoot)) {
      if (!/^\d+$/.test(entry)) continue;
      // A process may exit between the directory listing and the read: it is simply left out.
      const text = tryReadText(ctx.procRoot, entry, 'stat');
      if (text === undefined) continue;
      let stat: PidStat;
      try {
        stat = parsePidStat(text);
      } catch {
        continue;
      }
      const key = lifetimeKey(stat);
      const identity = identities.get(key) ?? readIdentity(ctx.procRoot, stat);
      next.set(key, identity);
      readings.push({ stat, identity });
    }
    identities = next; // forgets processes that exited
    return readings;
  };

  const remember = (readings: Reading[]) => {
    previous = {
      at: ctx.scheduler.now(),
      ticks: new Map(readings.map(({ stat }) => [lifetimeKey(stat), stat.utime + stat.stime])),
    };
  };

  return {
    baseline() {
      remember(readAll());
    },
    sample() {
      const readings = readAll();
      const memTotal = parseMeminfo(readText(ctx.procRoot, 'meminfo')).get('MemTotal') ?? 0;
      const seconds = previous ? (ctx.scheduler.now() - previous.at) / 1000 : 0;
      const before = previous?.ticks;
      remember(readings);
      const processes = readings.map(({ stat, identity }): ProcessEntry => {
        const ticks = stat.utime + stat.stime;
        // A process born during the interval spent all its ticks in it.
        const ticksBefore = before?.get(lifetimeKey(stat)) ?? 0;
        const cpu = seconds > 0 ? Math.max(0, ((ticks - ticksBefore) / CLOCK_TICKS_PER_SECOND / seconds) * 100) : 0;
        const rss = stat.rss * pageSize;
        const entry: ProcessEntry = {
          pid: stat.pid,
          name: identity.name,
          cpu: round2(cpu),
          memory: memTotal > 0 ? round2((rss / memTotal) * 100) : 0,
          status: STATUS_WORDS[stat.state] ?? stat.state,
          rss,
          [COMMAND_LINE]: identity.commandLine,
        };
        if (exposeCommandLine) entry.command = identity.commandLine;
        return entry;
      });
      return { value: sortByCpu(processes), source: 'procfs' };
    },
  };
}

function lifetimeKey(stat: PidStat): string {
  return `${stat.pid}:${stat.starttime}`;
}

/** Reads /proc/<pid>/cmdline (never environ). Kernel threads have an empty one. */
function readIdentity(procRoot: string, stat: PidStat): Identity {
  const raw = tryReadText(procRoot, String(stat.pid), 'cmdline') ?? '';
  const args = raw.split('\0').filter((a) => a !== '');
  return { name: displayName(stat.comm, args[0]), commandLine: args.join(' ') };
}

/**
 * comm is cut to 15 bytes ("llama-server-wo"); when it is, the basename of argv[0] that starts
 * with it is the full name. Otherwise comm stays: argv[0] can be rewritten by the process.
 */
export function displayName(comm: string, argv0: string | undefined): string {
  if (Buffer.byteLength(comm) < 15 || !argv0) return comm;
  const base = argv0.split(/[/\\]/).pop() ?? '';
  return base.startsWith(comm) ? base : comm;
}

function sortByCpu<P extends ProcessStats>(processes: P[]): P[] {
  return processes.sort((a, b) => b.cpu - a.cpu || b.rss - a.rss || a.pid - b.pid);
}

/** macOS and Windows: systeminformation measures CPU % between its own calls, hence the baseline. */
function systeminformationProcessSampler(platform: NodeJS.Platform, exposeCommandLine: boolean): Sampler<ProcessStats[]> {
  let primed: Promise<unknown> | undefined;
  return {
    // Returns at once: si.processes() runs ps or PowerShell, often for longer than primeMs, and a
    // slower baseline would push the first reading back to the next tick of the interval grid.
    // The first sample waits for it (si then answers from the list it keeps for 500 ms).
    baseline() {
      primed = si.processes().catch(() => undefined);
    },
    async sample() {
      if (primed) await primed;
      primed = undefined;
      const { list } = await si.processes();
      const processes = list.map((p): ProcessEntry => {
        const commandLine = [p.command, p.params].filter(Boolean).join(' ');
        const entry: ProcessEntry = {
          pid: p.pid,
          name: p.name,
          cpu: round2(p.cpu),
          memory: round2(p.mem),
          status: platform === 'win32' ? '' : statusWord(p.state),
          rss: p.memRss * 1024,
          [COMMAND_LINE]: commandLine,
        };
        if (exposeCommandLine) entry.command = commandLine;
        return entry;
      });
      return { value: sortByCpu(processes), source: 'systeminformation' };
    },
  };
}

function statusWord(state: string): string {
  const words: Record<string, string> = { sleeping: 'sleep', stopped: 'stop', blocked: 'disk-sleep' };
  return words[state] ?? state;
}
