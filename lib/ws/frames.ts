// Shared serialization: every client with the same selection receives the same Buffer, made by one
// JSON.stringify (and one UTF-8 encoding) per tick, however many clients there are.
import { Observable, ReplaySubject, map, share } from 'rxjs';
import type { Monitor } from '../monitor.js';
import { selectionPace } from '../monitor-options.js';
import { selectionKey, type Selection } from './protocol.js';

/** One serialized stats message, ready to be sent as a text frame to any number of sockets. */
export interface Frame {
  readonly data: Buffer;
}

export interface FrameSource {
  /** The shared frame stream of this selection; subscribing wakes only its collectors. */
  frames(selection: Selection): Observable<Frame>;
  /** The pace a client of this selection really gets, ms (never faster than its collectors). */
  effectiveIntervalMs(selection: Selection): number;
  /** Distinct selections with subscribers now (for health and specs). */
  activeSelections(): number;
}

export function createFrameSource(monitor: Monitor): FrameSource {
  const cache = new Map<string, { refs: number; stream: Observable<Frame> }>();

  const effectiveIntervalMs = (selection: Selection): number =>
    selectionPace(monitor.options.intervals, selection.topics, selection.intervalMs);

  function frames(selection: Selection): Observable<Frame> {
    const key = selectionKey(selection);
    const existing = cache.get(key);
    if (existing) return existing.stream;

    // The monitor paces the selection on the interval grid: one message per effective interval.
    const shared = monitor.select(selection.topics, effectiveIntervalMs(selection)).pipe(
      map((stats): Frame => ({ data: Buffer.from(JSON.stringify(stats), 'utf8') })),
      share({ connector: () => new ReplaySubject<Frame>(1), resetOnRefCountZero: true, resetOnComplete: true, resetOnError: true }),
    );
    // The cache holds only selections somebody listens to, so clients cycling through intervals
    // cannot grow it: the entry goes when its last subscriber does.
    const entry = {
      refs: 0,
      stream: new Observable<Frame>((subscriber) => {
        entry.refs++;
        const subscription = shared.subscribe(subscriber);
        return () => {
          subscription.unsubscribe();
          if (--entry.refs === 0 && cache.get(key) === entry) cache.delete(key);
        };
      }),
    };
    cache.set(key, entry);
    return entry.stream;
  }

  return { frames, effectiveIntervalMs, activeSelections: () => cache.size };
}
