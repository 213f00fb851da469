// One line of error text for logs, health reasons and tool failures: the first non-blank line,
// trimmed and clipped, so a multi-line stack or a tool's whole stderr never reaches a client.

/** The first non-blank line of `text`, at most `max` characters ('' when there is none). */
export function firstLine(text: string, max = 200): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  return line.length > max ? line.slice(0, max - 3) + '...' : line;
}

/** A one-line reason from anything thrown. */
export function oneLine(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error), 300) || 'unknown error';
}
