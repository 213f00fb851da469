/** /proc/meminfo as a map of field name to bytes (the kernel writes kB, meaning KiB). */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s+(\d+)(\s+kB)?/.exec(line);
    if (!match) continue;
    const value = Number(match[2]);
    fields.set(match[1]!, match[3] ? value * 1024 : value);
  }
  return fields;
}
