// Pure parsers for the two /proc/<pid> files the service's own process metrics need beyond what
// Node reports itself (see proc(5)).

/** The soft "Max open files" limit from /proc/<pid>/limits; null when unlimited or missing. */
export function parseMaxOpenFiles(limits: string): number | null {
  const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : null;
}

/** VmSize from /proc/<pid>/status, in bytes (the kernel writes kB, meaning KiB); null when missing. */
export function parseVirtualMemoryBytes(status: string): number | null {
  const m = /^VmSize:\s*(\d+)\s*kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : null;
}
