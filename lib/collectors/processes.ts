import type si from 'systeminformation';
import { systeminformation } from './systeminformation.js';
import type { ProcessStats } from '../types.js';
import type { CollectorContext, CollectorFactory } from './context.js';
import { poll, type Sampler, pollOptions } from './poll.js';
import { COMMAND_LINE, type ProcessEntry } from './process-matcher.js';
import { parsePidStat, type PidStat } from '../procfs/pid-stat.js';
import { parseMeminfo } from '../procfs/meminfo.js';
import { readText, tryReadDir, tryReadFast } from '../procfs/read.js';
import { round2 } from '../format/round.js';
import { darwinProcesses } from '../platform/darwin/collectors.js';
import { win32ProcessSampler, withAgent } from '../platform/win32/samplers.js';

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
export const processesCollector: CollectorFactory<ProcessStats[], ProcessesOptions> = (ctx, options = {}) => (ctx.platform === 'darwin'
  ? darwinProcesses(ctx, { exposeCommandLine: options.exposeCommandLine ?? false }) // a top -l loop
  : ctx.platform === 'win32'
  ? withAgent(ctx, (lease) => poll(() => win32ProcessSampler(lease, ctx), pollOptions(ctx, [])))
  : poll(
    () => (ctx.platform === 'linux'
      ? procfsProcessSampler(ctx, options)
      : systeminformationProcessSampler(ctx.platform, options.exposeCommandLine ?? false)),
    pollOptions(ctx, []),
  ));

/** What is read once per process lifetime (pid + start time): the command line and the display name. */
interface Identity {
  name: string;
  commandLine: string;
}

/** One process lifetime seen by this subscription: its static facts and its CPU ticks at the last reading. */
interface Tracked {
  starttime: number;
  identity: Identity;
  ticks: number;
  /** The reading that last saw it; older ones have exited. */
  seenIn: number;
}

interface Reading {
  stat: PidStat;
  identity: Identity;
  /** Ticks at the previous reading; undefined for a process born since. */
  ticksBefore: number | undefined;
}

/**
 * One /proc/<pid>/stat read per process per sample; /proc/<pid>/cmdline only once per process
 * lifetime (a pid reused by a new process is a new lifetime: its start time differs).
 */
export function procfsProcessSampler(
  ctx: Pick<CollectorContext, 'procRoot' | 'scheduler'>,
  options: ProcessesOptions = {},
): Sampler<ProcessStats[]> {
  const pageSize = options.pageSize ?? 4096;
  const exposeCommandLine = options.exposeCommandLine ?? false;
  const tracked = new Map<number, Tracked>();
  let reading = 0;
  let previousAt: number | undefined;

  const readAll = (): Reading[] => {
    const current = ++reading;
    const readings: Reading[] = [];
    for (const entry of tryReadDir(ctx.procRoot)) {
      const first = entry.charCodeAt(0);
      if (first < 48 || first > 57) continue; // not a pid: self, net, meminfo, …
      // A process may exit between the directory listing and the read: it is simply left out.
      const text = tryReadFast(`${ctx.procRoot}/${entry}/stat`);
      if (text === undefined) continue;
      let stat: PidStat;
      try {
        stat = parsePidStat(text);
      } catch {
        continue;
      }
      let known = tracked.get(stat.pid);
      let ticksBefore: number | undefined;
      if (known && known.starttime === stat.starttime) {
        ticksBefore = known.ticks;
      } else {
        known = { starttime: stat.starttime, identity: readIdentity(ctx.procRoot, stat), ticks: 0, seenIn: current };
        tracked.set(stat.pid, known);
      }
      known.ticks = stat.utime + stat.stime;
      known.seenIn = current;
      readings.push({ stat, identity: known.identity, ticksBefore });
    }
    for (const [pid, known] of tracked) if (known.seenIn !== current) tracked.delete(pid); // exited
    return readings;
  };

  return {
    baseline() {
      readAll();
      previousAt = ctx.scheduler.now();
    },
    sample() {
      const readings = readAll();
      const memTotal = readMemTotal(ctx.procRoot);
      const now = ctx.scheduler.now();
      const seconds = previousAt !== undefined ? (now - previousAt) / 1000 : 0;
      previousAt = now;
      const processes = readings.map(({ stat, identity, ticksBefore }): ProcessEntry => {
        // A process born during the interval spent all its ticks in it.
        const ticks = stat.utime + stat.stime - (ticksBefore ?? 0);
        const cpu = seconds > 0 ? Math.max(0, (ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100) : 0;
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

/** MemTotal in bytes: the first line of /proc/meminfo, so the rest is not parsed on every sample. */
function readMemTotal(procRoot: string): number {
  const text = readText(procRoot, 'meminfo');
  const first = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return first ? Number(first[1]) * 1024 : parseMeminfo(text).get('MemTotal') ?? 0;
}

/** Reads /proc/<pid>/cmdline (never environ). Kernel threads have an empty one. */
function readIdentity(procRoot: string, stat: PidStat): Identity {
  const raw = tryReadFast(`${procRoot}/${stat.pid}/cmdline`) ?? '';
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
      primed = systeminformation().then((si) => si.processes()).catch(() => undefined);
    },
    async sample() {
      if (primed) await primed;
      primed = undefined;
      const { list } = await (await systeminformation()).processes();
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
