import { round2 } from '../format/round.js';
/** Jiffies one CPU (or all of them) spent in each state, from a `cpu` line of /proc/stat. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface ProcStat {
  /** The aggregate `cpu` line. */
  total: CpuTimes;
  /** `cpu0`, `cpu1`, … in order. */
  perCpu: CpuTimes[];
}

/** Parses /proc/stat. guest and guest_nice are left out: the kernel already counts them in user and nice. */
export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  const perCpu: CpuTimes[] = [];
  for (const line of text.split('\n')) {
    const match = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = match[2]!
      .trim()
      .split(/\s+/)
      .map(Number);
    const times = { user, nice, system, idle, iowait, irq, softirq, steal };
    if (match[1] === '') total = times;
    else perCpu[Number(match[1])] = times;
  }
  if (!total) throw new Error('no cpu line in /proc/stat');
  return { total, perCpu: perCpu.filter((t) => t !== undefined) };
}

/** Busy % between two readings: everything but idle and iowait, over everything. */
export function busyPercent(previous: CpuTimes, current: CpuTimes): number {
  const idle = current.idle + current.iowait - (previous.idle + previous.iowait);
  const total = sum(current) - sum(previous);
  if (total <= 0) return 0;
  return clampPercent(((total - idle) / total) * 100);
}

function sum(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

function clampPercent(value: number): number {
  return round2(Math.min(100, Math.max(0, value)));
}
