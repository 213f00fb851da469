/** The fields of /proc/<pid>/stat the process collector uses (see proc(5)). */
export interface PidStat {
  pid: number;
  /** The executable name, truncated by the kernel to 15 bytes. */
  comm: string;
  /** One letter: R, S, D, Z, T, t, X, I, … */
  state: string;
  ppid: number;
  /** Clock ticks in user and kernel mode. */
  utime: number;
  stime: number;
  /** Clock ticks after boot when the process started; with pid, it identifies one process lifetime. */
  starttime: number;
  /** Resident set, in pages. */
  rss: number;
}

export function parsePidStat(text: string): PidStat {
  // comm may hold spaces and parentheses, so it ends at the LAST ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error('unreadable /proc/<pid>/stat');
  const rest = text.slice(close + 2).trim().split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    starttime: field(22),
    rss: field(24),
  };
}
