// Recent readings per topic, for sparklines and late joiners. Each topic keeps a ring buffer of
// (time, value) filled by the monitor while its collector runs; a query joins the topics on the
// time grid of the interval (collectors tick on multiples of it), one row per tick.
import type { DiskIoTotals, HistoryResponse, HistorySample, Topic, TopicPayloads } from '../types.js';
import { TOPICS } from '../types.js';
import { RingBuffer } from './ring-buffer.js';
import { SERVICE_DEFAULTS } from '../defaults.js';

/** Default span kept: the last 10 minutes. */
export const DEFAULT_HISTORY_MS = SERVICE_DEFAULTS.historyMs;
/** Hard cap on readings kept per topic, whatever the span and interval (3600 = 1 h at 1 s). */
export const MAX_HISTORY_SAMPLES = 3600;

export interface HistoryQuery {
  /** Topics to include (contract order); default all. */
  topics?: readonly Topic[];
  /** Only ticks after this time (epoch ms, exclusive). */
  since?: number;
}

export type { HistoryResponse, HistorySample } from '../types.js';

export interface History {
  record<K extends Topic>(topic: K, at: number, value: TopicPayloads[K]): void;
  /** The machine-wide disk I/O line of a disk reading: kept beside `disk`, returned with it as `diskIO`. */
  recordDiskIo(at: number, value: DiskIoTotals): void;
  query(query?: HistoryQuery): HistoryResponse;
  /** Readings kept per topic at most. */
  capacity(topic: Topic): number;
  /** Readings kept now. */
  size(topic: Topic): number;
}

/**
 * A reading is kept as its JSON text: what REST and WebSocket send anyway, in a third of the heap
 * the object graph takes (a one-byte string against objects, arrays and numbers), and nothing to
 * trace for the garbage collector. Parsed again only when history is asked for (rare: a dashboard
 * that connects or reconnects).
 */
interface Entry {
  at: number;
  json: string;
}

/** How many readings a topic keeps: the span at its interval, at most MAX_HISTORY_SAMPLES; 0 = none. */
export function historyCapacity(historyMs: number, intervalMs: number): number {
  return historyMs <= 0 ? 0 : Math.min(MAX_HISTORY_SAMPLES, Math.ceil(historyMs / intervalMs));
}

export function createHistory(historyMs: number, intervals: Record<Topic, number>): History {
  type Key = Topic | 'diskIO';
  const buffers = new Map<Key, RingBuffer<Entry>>();
  const intervalOf = (key: Key) => intervals[key === 'diskIO' ? 'disk' : key];
  for (const t of [...TOPICS, 'diskIO'] as const) {
    const capacity = historyCapacity(historyMs, intervalOf(t));
    if (capacity > 0) buffers.set(t, new RingBuffer<Entry>(capacity));
  }
  const slotOf = (at: number, intervalMs: number) => Math.floor(at / intervalMs);

  function record(topic: Key, at: number, value: unknown): void {
    const buffer = buffers.get(topic);
    if (!buffer) return;
    const last = buffer.last();
    // A second reading within one tick (a restarted collector, a GPU tool on its own clock) replaces the first.
    const entry = { at, json: JSON.stringify(value) };
    const intervalMs = intervalOf(topic);
    if (last && slotOf(last.at, intervalMs) === slotOf(at, intervalMs)) buffer.replaceLast(entry);
    else buffer.push(entry);
  }

  function query({ topics = TOPICS, since }: HistoryQuery = {}): HistoryResponse {
    const named = TOPICS.filter((t) => topics.includes(t));
    const chosen = named.length > 0 ? named : TOPICS;
    const intervalMs = Math.max(...chosen.map((t) => intervals[t]));
    const bySlot = new Map<Key, Map<number, string>>();
    const slots = new Set<number>();
    const keys: Key[] = chosen.flatMap((t): Key[] => (t === 'disk' ? ['disk', 'diskIO'] : [t]));
    for (const t of keys) {
      const values = new Map<number, string>();
      for (const { at, json } of buffers.get(t)?.toArray() ?? []) {
        const slot = slotOf(at, intervalMs);
        values.set(slot, json); // the newest reading of the tick wins
        slots.add(slot);
      }
      bySlot.set(t, values);
    }
    const samples: HistorySample[] = [];
    for (const slot of [...slots].sort((a, b) => a - b)) {
      const time = slot * intervalMs;
      if (since !== undefined && time <= since) continue;
      const row: Record<string, unknown> = { timestamp: new Date(time).toISOString() };
      // A topic read just before the tick boundary (its own clock) counts for the next tick too, as
      // the live stream would have sent it; older than that is a gap.
      for (const t of keys) {
        const values = bySlot.get(t)!;
        const json = values.get(slot) ?? values.get(slot - 1);
        row[t] = json === undefined ? null : JSON.parse(json);
      }
      samples.push(row as HistorySample);
    }
    return { intervalMs, samples };
  }

  return {
    record: (topic, at, value) => record(topic, at, value),
    recordDiskIo: (at, value) => record('diskIO', at, value),
    query,
    capacity: (t) => buffers.get(t)?.capacity ?? 0,
    size: (t) => buffers.get(t)?.size ?? 0,
  };
}
