// What a client asks of the history (`?topics=cpu,gpu&since=<ISO time>`), as pure parsing with a
// one-line error for anything else. Shared by GET /api/history and the WebSocket's `history`.
import type { Topic } from '../types.js';
import { TOPICS } from '../types.js';
import type { HistoryQuery } from './history.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)$/;

/** An ISO-8601 time with a zone (`2026-01-31T12:00:00Z`, `…+02:00`) -> epoch ms. */
export function parseSince(text: string): Parsed<number> {
  const ms = ISO_TIME.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    return { ok: false, error: `since must be an ISO-8601 time with a zone, e.g. 2026-01-31T12:00:00Z; got ${shortQuote(text)}` };
  }
  return { ok: true, value: ms };
}

/** `topics=cpu,gpu` (or repeated) and `since=<ISO time>`; absent means all topics, all kept. */
export function parseHistoryQuery(params: URLSearchParams): Parsed<HistoryQuery> {
  const query: { topics?: Topic[]; since?: number } = {};
  if (params.has('topics')) {
    const names = params.getAll('topics').flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) return { ok: false, error: `topics: name at least one of ${TOPICS.join(', ')}` };
    const unknown = names.find((n) => !(TOPICS as readonly string[]).includes(n));
    if (unknown !== undefined) return { ok: false, error: `unknown topic ${shortQuote(unknown)}; known topics: ${TOPICS.join(', ')}` };
    query.topics = TOPICS.filter((t) => names.includes(t));
  }
  const since = params.get('since');
  if (since !== null) {
    const parsed = parseSince(since);
    if (!parsed.ok) return parsed;
    query.since = parsed.value;
  }
  return { ok: true, value: query };
}

function shortQuote(value: string): string {
  return JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value);
}
