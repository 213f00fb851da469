/** Seconds since boot, the first number of /proc/uptime. */
export function parseUptime(text: string): number {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(seconds)) throw new Error(`unreadable /proc/uptime: ${text}`);
  return seconds;
}
