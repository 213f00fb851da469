import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Observable, Subject } from 'rxjs';
import type { Monitor } from '../../lib/monitor.js';
import { createFrameSource } from '../../lib/ws/frames.js';
import type { Topic } from '../../lib/types.js';

/** Just what the frame source reads from a monitor: select() and the per-topic intervals. */
function fakeMonitor(intervals: Partial<Record<Topic, number>> = {}) {
  const ticks = new Subject<Record<string, unknown>>();
  let subscriptions = 0;
  let live = 0;
  const monitor = {
    options: { intervals: { cpu: 1000, memory: 1000, gpu: 2000, disk: 1000, network: 1000, processes: 5000, ...intervals } },
    select: (topics: readonly Topic[]) =>
      new Observable<Record<string, unknown>>((subscriber) => {
        subscriptions++;
        live++;
        const s = ticks.subscribe((t) => subscriber.next(Object.fromEntries(topics.map((k) => [k, t[k] ?? null]))));
        return () => {
          live--;
          s.unsubscribe();
        };
      }),
  } as unknown as Monitor;
  return { monitor, ticks, subscriptions: () => subscriptions, live: () => live };
}

test('clients with the same selection share one serialization: the very same Buffer', () => {
  const m = fakeMonitor();
  const frames = createFrameSource(m.monitor);
  const a: Buffer[] = [];
  const b: Buffer[] = [];
  const sa = frames.frames({ topics: ['cpu'], intervalMs: null }).subscribe((f) => a.push(f.data));
  const sb = frames.frames({ topics: ['cpu'], intervalMs: null }).subscribe((f) => b.push(f.data));
  m.ticks.next({ cpu: { usage: 1 } });
  assert.is(m.subscriptions(), 1, 'one upstream subscription for both');
  assert.is(a[0], b[0], 'one Buffer');
  assert.is(a[0]!.toString(), '{"cpu":{"usage":1}}');
  assert.is(frames.activeSelections(), 1);
  sa.unsubscribe();
  sb.unsubscribe();
  assert.is(m.live(), 0);
  assert.is(frames.activeSelections(), 0, 'the cache holds only selections somebody listens to');
});

test('a late subscriber gets the latest frame at once from the replay', () => {
  const m = fakeMonitor();
  const frames = createFrameSource(m.monitor);
  const first = frames.frames({ topics: ['memory'], intervalMs: null }).subscribe();
  m.ticks.next({ memory: { used: 5 } });
  const late: string[] = [];
  const s = frames.frames({ topics: ['memory'], intervalMs: null }).subscribe((f) => late.push(f.data.toString()));
  assert.equal(late, ['{"memory":{"used":5}}']);
  s.unsubscribe();
  first.unsubscribe();
});

test('the pace a client gets is never faster than its collectors', () => {
  const frames = createFrameSource(fakeMonitor().monitor);
  assert.is(frames.effectiveIntervalMs({ topics: ['cpu'], intervalMs: null }), 1000);
  assert.is(frames.effectiveIntervalMs({ topics: ['cpu'], intervalMs: 500 }), 1000, 'faster than sampled: the sample pace');
  assert.is(frames.effectiveIntervalMs({ topics: ['cpu'], intervalMs: 3000 }), 3000);
  assert.is(frames.effectiveIntervalMs({ topics: ['gpu', 'processes'], intervalMs: null }), 2000, 'the fastest selected collector');
});

test('the monitor is asked for the selection at its effective pace, one stream per distinct pace', () => {
  const asked: [readonly Topic[], number | undefined][] = [];
  const monitor = {
    options: { intervals: { cpu: 1000, memory: 1000, gpu: 2000, disk: 1000, network: 1000, processes: 5000 } },
    select: (topics: readonly Topic[], intervalMs?: number) => {
      asked.push([topics, intervalMs]);
      return new Observable<Record<string, unknown>>(() => {});
    },
  } as unknown as Monitor;
  const frames = createFrameSource(monitor);
  const subs = [
    frames.frames({ topics: ['cpu'], intervalMs: null }).subscribe(),
    frames.frames({ topics: ['cpu'], intervalMs: 500 }).subscribe(),
    frames.frames({ topics: ['cpu'], intervalMs: 3000 }).subscribe(),
    frames.frames({ topics: ['cpu'], intervalMs: 3000 }).subscribe(),
  ];
  assert.equal(asked, [[['cpu'], 1000], [['cpu'], 1000], [['cpu'], 3000]]);
  assert.is(frames.activeSelections(), 3);
  for (const s of subs) s.unsubscribe();
  assert.is(frames.activeSelections(), 0);
});

test.run();
