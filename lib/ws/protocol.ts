// The /ws/stats client protocol, as pure functions: what a client asked for (query string or a
// message) becomes a Selection, or a one-line error to send back. No sockets here.
import type { Topic } from '../types.js';
import { TOPICS } from '../types.js';
import { parseSince } from '../history/query.js';

/** What one client receives: these topics (in contract order), at most once per `intervalMs`. */
export interface Selection {
  topics: Topic[];
  /** Requested pacing, already clamped; `null` means "as often as the collectors sample". */
  intervalMs: number | null;
}

export interface IntervalLimits {
  minIntervalMs: number;
  maxIntervalMs: number;
}

/** Recent history asked for with `?history=1` / `"history": true` (all kept) or an ISO time (only after it). */
export interface HistoryRequest {
  since?: number;
}

export type ParseResult = { ok: true; selection: Selection; history?: HistoryRequest } | { ok: false; error: string };

/** What a client that asks for nothing gets: the full stats object, at the collectors' pace. */
export const DEFAULT_SELECTION: Selection = Object.freeze({ topics: [...TOPICS], intervalMs: null }) as Selection;

const MESSAGE_KEYS = new Set(['subscribe', 'interval', 'history']);

/** A stable key: clients with equal keys share one serialization per tick. */
export function selectionKey(selection: Selection): string {
  return `${selection.topics.join(',')}@${selection.intervalMs ?? 'native'}`;
}

/**
 * `?topics=cpu,gpu&interval=1000` (topics may also repeat: `topics=cpu&topics=gpu`).
 * Absent parameters mean the default; other parameters are ignored.
 */
export function parseQuery(query: string | URLSearchParams, limits: IntervalLimits): ParseResult {
  const params = typeof query === 'string' ? new URLSearchParams(query.startsWith('?') ? query.slice(1) : query) : query;
  let topics: Topic[] = [...TOPICS];
  if (params.has('topics')) {
    const names = params.getAll('topics').flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
    const parsed = parseTopics(names, 'topics');
    if (!parsed.ok) return parsed;
    topics = parsed.topics;
  }
  let intervalMs: number | null = null;
  const rawInterval = params.get('interval');
  if (rawInterval !== null) {
    if (!/^\s*\d+(\.\d+)?\s*$/.test(rawInterval)) {
      return { ok: false, error: `interval must be a number of milliseconds, got ${quote(rawInterval)}` };
    }
    intervalMs = clampInterval(Number(rawInterval), limits);
  }
  const rawHistory = params.get('history');
  if (rawHistory === null || rawHistory === '0' || rawHistory === 'false') return { ok: true, selection: { topics, intervalMs } };
  const history = parseHistoryRequest(rawHistory === '1' || rawHistory === 'true' ? true : rawHistory);
  return history.ok ? { ok: true, selection: { topics, intervalMs }, ...history.request } : history;
}

/**
 * A text message from a client: `{"subscribe": ["cpu","gpu"], "interval": 1000}`. Either key may
 * be left out; what is left out is kept from `current`. `"subscribe": "all"` goes back to every
 * topic, `"interval": null` back to the collectors' pace.
 */
export function parseClientMessage(text: string, current: Selection, limits: IntervalLimits): ParseResult {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { ok: false, error: 'invalid JSON; send e.g. {"subscribe": ["cpu", "gpu"], "interval": 2000}' };
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    return { ok: false, error: 'a message must be a JSON object, e.g. {"subscribe": ["cpu", "gpu"]}' };
  }
  const record = message as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((k) => !MESSAGE_KEYS.has(k));
  if (unknownKeys.length > 0) {
    return { ok: false, error: `unknown field ${quote(unknownKeys[0]!)}; known fields: subscribe, interval, history` };
  }
  if (!('subscribe' in record) && !('interval' in record) && !('history' in record)) {
    return { ok: false, error: 'a message needs "subscribe" (a list of topics), "interval" (ms) and/or "history" (true or an ISO time)' };
  }

  let topics = current.topics;
  if ('subscribe' in record) {
    const value = record.subscribe;
    if (value === 'all' || value === '*') {
      topics = [...TOPICS];
    } else if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) {
      const parsed = parseTopics(value, 'subscribe');
      if (!parsed.ok) return parsed;
      topics = parsed.topics;
    } else {
      return { ok: false, error: `"subscribe" must be a list of topics (${TOPICS.join(', ')}) or "all"` };
    }
  }

  let intervalMs = current.intervalMs;
  if ('interval' in record) {
    const value = record.interval;
    if (value === null) intervalMs = null;
    else if (typeof value === 'number' && Number.isFinite(value)) intervalMs = clampInterval(value, limits);
    else return { ok: false, error: `"interval" must be a number of milliseconds or null, got ${describe(value)}` };
  }
  if (record.history === undefined || record.history === false) return { ok: true, selection: { topics, intervalMs } };
  const history = parseHistoryRequest(record.history);
  return history.ok ? { ok: true, selection: { topics, intervalMs }, ...history.request } : history;
}

/** `true`: everything kept; an ISO time: only ticks after it. */
function parseHistoryRequest(value: unknown): { ok: true; request: { history: HistoryRequest } } | { ok: false; error: string } {
  if (value === true) return { ok: true, request: { history: {} } };
  if (typeof value !== 'string') return { ok: false, error: `"history" must be true or an ISO time, got ${describe(value)}` };
  const since = parseSince(value);
  return since.ok ? { ok: true, request: { history: { since: since.value } } } : { ok: false, error: `history: ${since.error}` };
}

export function clampInterval(ms: number, { minIntervalMs, maxIntervalMs }: IntervalLimits): number {
  return Math.round(Math.min(maxIntervalMs, Math.max(minIntervalMs, ms)));
}

function parseTopics(names: readonly string[], field: string): { ok: true; topics: Topic[] } | { ok: false; error: string } {
  if (names.length === 0) return { ok: false, error: `${field}: name at least one topic (${TOPICS.join(', ')})` };
  const unknown = names.filter((n) => !(TOPICS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    return { ok: false, error: `unknown topic ${quote(unknown[0]!)}; known topics: ${TOPICS.join(', ')}` };
  }
  // Contract order, duplicates dropped: the same set always makes the same key.
  return { ok: true, topics: TOPICS.filter((t) => names.includes(t)) };
}

/** Echo client input in errors only quoted and short, so errors cannot be made large. */
function quote(value: string): string {
  const short = value.length > 40 ? value.slice(0, 37) + '...' : value;
  return JSON.stringify(short);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return String(value);
  return value === undefined ? 'nothing' : typeof value === 'object' ? 'an object' : typeof value;
}
