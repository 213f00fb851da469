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
  // Walk the space-separated fields after comm up to the last one used (24) instead of splitting
  // all 52: this runs once per process per sample.
  const values: number[] = [];
  let state = '';
  let at = close + 2;
  for (let n = 3; n <= 24 && at <= text.length; n++) {
    let end = text.indexOf(' ', at);
    if (end < 0) end = text.length;
    if (n === 3) state = text.slice(at, end).trim();
    else if (n === 4 || n === 14 || n === 15 || n === 22 || n === 24) values[n] = Number(text.slice(at, end));
    at = end + 1;
  }
  const field = (n: number) => values[n] ?? Number.NaN;
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state,
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    starttime: field(22),
    rss: field(24),
  };
}
