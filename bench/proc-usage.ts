import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = 100;

/** CPU seconds of a process and of its waited-for children (spawned tools included). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14..17 (1-based) = indexes 11..14 after the comm
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / CLK_TCK;
}

/** CPU seconds of the process alone (utime + stime): no child, reaped or live. */
export function ownCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * CPU seconds of a process, its reaped children, and its live descendants (a long-lived tool
 * child such as nvidia-smi in loop mode is not reaped while it runs, so cutime misses it).
 */
export function treeCpuSeconds(pid: number): number {
  let total = cpuSeconds(pid);
  for (const child of liveChildren(pid)) {
    try {
      total += treeCpuSeconds(child);
    } catch {
      // exited between listing and reading
    }
  }
  return total;
}

function liveChildren(pid: number): number[] {
  const children: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      children.push(...readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    } catch {
      // thread gone
    }
  }
  return children;
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Processes forked on the whole machine since boot (the "processes" line of /proc/stat). */
export function forksSinceBoot(): number {
  const m = /^processes (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
  return m ? Number(m[1]) : 0;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Every live descendant of a process (children, grandchildren, …). */
export function descendants(pid: number): number[] {
  const all: number[] = [];
  const walk = (p: number) => {
    let children: number[] = [];
    try {
      children = liveChildren(p);
    } catch {
      return; // gone
    }
    for (const c of children) {
      all.push(c);
      walk(c);
    }
  };
  walk(pid);
  return all;
}

/** Open file descriptors of a process. */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Processes on the machine now (numeric entries of /proc). */
export function processCount(): number {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;
}

export function minMax(values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}
