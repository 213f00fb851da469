/** The 1, 5 and 15 minute load averages from /proc/loadavg. */
export function parseLoadavg(text: string): [number, number, number] {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  if (![one, five, fifteen].every((n) => Number.isFinite(n))) throw new Error(`unreadable /proc/loadavg: ${text}`);
  return [one!, five!, fifteen!];
}
