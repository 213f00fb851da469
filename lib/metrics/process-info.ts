// The service's own process: what Prometheus client libraries export as process_* metrics.
import { tryReadDir, tryReadText } from '../procfs/read.js';
import { parseMaxOpenFiles, parseVirtualMemoryBytes } from './proc-self.js';

export interface ProcessInfo {
  /** User + system CPU time, seconds. */
  cpuSeconds: number;
  residentMemoryBytes: number;
  /** Linux only (null elsewhere). */
  virtualMemoryBytes: number | null;
  /** Unix time the process started, seconds. */
  startTimeSeconds: number;
  /** Linux only (null elsewhere). */
  openFds: number | null;
  maxFds: number | null;
}

// Without node:perf_hooks (performance.timeOrigin): the service loads no module it does not need.
const startTimeSeconds = (Date.now() - process.uptime() * 1000) / 1000;

/** Reads this process's figures now. Outside Linux the /proc-only ones are null. */
export function readProcessInfo(procRoot = '/proc', platform: NodeJS.Platform = process.platform): ProcessInfo {
  const cpu = process.cpuUsage();
  const linux = platform === 'linux';
  const status = linux ? tryReadText(procRoot, 'self', 'status') : undefined;
  const limits = linux ? tryReadText(procRoot, 'self', 'limits') : undefined;
  // Reading the directory opens one descriptor of its own, which is listed too.
  const fds = linux ? tryReadDir(procRoot, 'self', 'fd').length : 0;
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    residentMemoryBytes: process.memoryUsage.rss(),
    virtualMemoryBytes: status === undefined ? null : parseVirtualMemoryBytes(status),
    startTimeSeconds,
    openFds: fds > 0 ? fds - 1 : null,
    maxFds: limits === undefined ? null : parseMaxOpenFiles(limits),
  };
}
