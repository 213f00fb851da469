import {
  BehaviorSubject,
  EMPTY,
  NEVER,
  Observable,
  concatWith,
  combineLatest,
  defer,
  distinctUntilChanged,
  firstValueFrom,
  map,
  retry,
  share,
  ReplaySubject,
  takeUntil,
  tap,
  timer,
} from 'rxjs';
import type { CollectorContext } from './collectors/context.js';
import type { Sample } from './collectors/sample.js';
import { errorSample } from './collectors/sample.js';
import { oneLine } from './format/one-line.js';
import { defaultCollectors, type CollectorSet, type CollectorSpec } from './collectors/registry.js';
import { selectProcesses } from './collectors/process-matcher.js';
import { createHistory, type HistoryQuery, type HistoryResponse } from './history/history.js';
import { readUptime } from './procfs/read-uptime.js';
import { silentLogger } from './log.js';
import { OptionError } from './option-check.js';
import { collectorOptions, resolveMonitorOptions, selectionPace, type MonitorOptions, type ResolvedMonitorOptions } from './monitor-options.js';
import { combineOnGrid } from './stream/combine-on-grid.js';
import { createGridOrigin } from './stream/grid.js';
import { holdWarm } from './stream/hold-warm.js';
import { promptFirst } from './stream/prompt-first.js';
import { shareWithLinger } from './stream/share-with-linger.js';
import type { CollectorHealth, DiskIoTotals, DiskStats, ProcessStats, SystemStats, Topic, TopicPayloads } from './types.js';
import { diskIoOf, disksOf, type DiskReading } from './collectors/disk.js';
import { TOPICS } from './types.js';
import { createAgentPool } from './platform/win32/agent-pool.js';
import { createTopPool } from './platform/darwin/top-pool.js';

export type { MonitorOptions } from './monitor-options.js';

/** A selection of topics, plus the uptime and timestamp every stats message carries (defined in types.ts). */
export type { StatsSelection } from './types.js';
import type { StatsSelection } from './types.js';

export interface Monitor {
  /** The full stats object, once per tick, shared by every subscriber. */
  readonly stats$: Observable<SystemStats>;
  readonly cpu$: Observable<TopicPayloads['cpu']>;
  readonly memory$: Observable<TopicPayloads['memory']>;
  readonly gpu$: Observable<TopicPayloads['gpu']>;
  readonly disk$: Observable<TopicPayloads['disk']>;
  /** The machine-wide disk I/O line, sent as `diskIO` beside `disk`. */
  readonly diskIO$: Observable<DiskIoTotals>;
  readonly network$: Observable<TopicPayloads['network']>;
  /** The AI/ML processes (the configured matcher), top N by CPU. */
  readonly processes$: Observable<TopicPayloads['processes']>;
  /** Every process, sorted by CPU % (descending), uncapped. */
  readonly allProcesses$: Observable<ProcessStats[]>;
  /** Collector states; reading it never wakes a collector. */
  readonly health$: Observable<Record<Topic, CollectorHealth>>;
  /**
   * Only the given topics (waking only their collectors), shared per distinct selection: one
   * message per `intervalMs` (default and minimum: the fastest of their collectors' intervals).
   */
  select(topics: readonly Topic[], intervalMs?: number): Observable<StatsSelection>;
  topic<K extends Topic>(topic: K): Observable<TopicPayloads[K]>;
  /** One current reading: the whole stats object, or one topic's payload. */
  snapshot(): Promise<SystemStats>;
  snapshot<K extends Topic>(topic: K): Promise<TopicPayloads[K]>;
  health(): Record<Topic, CollectorHealth>;
  /** Recent readings kept while collection ran (see `historyMs`), one row per tick; never wakes a collector. */
  history(query?: HistoryQuery): HistoryResponse;
  /**
   * The same streams for one-shot readers (REST, scrapes, `snapshot()`): each read keeps the
   * stream running one interval longer, so a series of reads is answered from the replay instead
   * of re-subscribing the collectors every time. Collection stops one interval plus the linger
   * after the last read.
   */
  readonly warm: {
    readonly stats$: Observable<SystemStats>;
    topic<K extends Topic>(topic: K): Observable<TopicPayloads[K]>;
    readonly allProcesses$: Observable<ProcessStats[]>;
  };
  /**
   * Stops every collector now (no linger), ending every subscription, and kills any GPU tool
   * it started. Later subscriptions complete at once.
   */
  close(): void;
  readonly closed: boolean;
  readonly options: ResolvedMonitorOptions;
}

export function createMonitor(options: MonitorOptions = {}): Monitor {
  const resolved = resolveMonitorOptions(options);
  const { scheduler, lingerMs } = resolved;
  const logger = resolved.logger ?? silentLogger;
  const collectors: CollectorSet = { ...defaultCollectors(collectorOptions(resolved)), ...resolved.collectors };

  // Windows: one agent child for all collectors that need it, started by the first (samplers.ts).
  const agent = resolved.platform === 'win32'
    ? createAgentPool({ onFailure: (reason) => logger.warnOnce('win32-agent', `${reason}; starting it again with backoff`) })
    : undefined;
  // macOS: one `top -l 0` loop for the processes and disk collectors, started by the first (top-pool.ts).
  const top = resolved.platform === 'darwin'
    ? createTopPool({ intervalMs: Math.min(resolved.intervals.processes, resolved.intervals.disk), timeoutMs: resolved.timeoutMs, scheduler })
    : undefined;
  const closed$ = new ReplaySubject<void>(1);
  let closed = false;
  const healthSubjects = Object.fromEntries(
    TOPICS.map((t) => [t, new BehaviorSubject<CollectorHealth>({ state: 'idle', activations: 0 })]),
  ) as Record<Topic, BehaviorSubject<CollectorHealth>>;
  const history = createHistory(resolved.historyMs, resolved.intervals);
  // One grid for every collector and selection: anchored by the first message after collection
  // starts from idle, released when the last collector stops.
  const grid = createGridOrigin();
  let running = 0;
  // The AI/ML list of one process sample, computed once however many readers (history, the
  // processes topic in each selection, REST) ask for it.
  const aiListOf = new WeakMap<Sample<ProcessStats[]>, ProcessStats[]>();
  const aiList = (sample: Sample<ProcessStats[]>): ProcessStats[] => {
    let list = aiListOf.get(sample);
    if (!list) aiListOf.set(sample, (list = selectProcesses(sample.value, resolved.processes)));
    return list;
  };
  const record = (topic: Topic, sample: Sample<unknown>) => {
    if (!sample.ok) return; // placeholders and kept-over values are not readings
    if (topic === 'disk') {
      const reading = sample.value as DiskReading | DiskStats[];
      history.record('disk', scheduler.now(), disksOf(reading));
      history.recordDiskIo(scheduler.now(), diskIoOf(reading));
      return;
    }
    const value = topic === 'processes' ? aiList(sample as Sample<ProcessStats[]>) : sample.value;
    // The scheduler's clock (Date.now() in production) so that specs can run history in virtual time.
    history.record(topic, scheduler.now(), value as never);
  };
  const setHealth = (topic: Topic, patch: Partial<CollectorHealth>) => {
    const subject = healthSubjects[topic];
    subject.next({ ...subject.value, ...patch });
  };

  function sharedSource<T>(topic: Topic): Observable<Sample<T>> {
    const spec = collectors[topic] as unknown as CollectorSpec<T>;
    const ctx: CollectorContext = {
      intervalMs: resolved.intervals[topic],
      timeoutMs: resolved.timeoutMs,
      primeMs: resolved.primeMs,
      scheduler,
      procRoot: resolved.procRoot,
      sysRoot: resolved.sysRoot,
      platform: resolved.platform,
      ...(agent ? { agent } : {}),
      ...(top ? { top } : {}),
      grid,
    };
    const shared = defer((): Observable<Sample<T>> => {
      const h = healthSubjects[topic].value;
      setHealth(topic, { state: h.state === 'idle' ? 'ok' : h.state, activations: h.activations + 1 });
      return spec.create(ctx);
    }).pipe(
      tap({
        error: (e: unknown) => {
          logger.warnOnce(`${topic}:crash`, `${topic} collector crashed: ${oneLine(e)}; restarting`);
          setHealth(topic, { state: 'error', reason: `crashed: ${oneLine(e)}; restarting` });
        },
      }),
      // A collector that throws is restarted with backoff; a first value still comes from promptFirst.
      retry({ delay: (_e, count) => timer(Math.min(resolved.intervals[topic] * 2 ** (count - 1), 60_000), scheduler) }),
      // A collector that has said all it will (GPU "off") keeps its last value until close():
      // completing would make share() arm a linger timer that nothing cancels.
      concatWith(NEVER),
      promptFirst<Sample<T>>(
        () => errorSample(spec.placeholder, `no reading within ${resolved.firstSampleTimeoutMs} ms`, Date.now()),
        resolved.firstSampleTimeoutMs,
        scheduler,
      ),
      tap((sample) => {
        if (sample.ok) {
          setHealth(topic, {
            state: 'ok', reason: undefined, lastOk: new Date(sample.at).toISOString(),
            lastDurationMs: sample.durationMs, source: sample.source, skipped: sample.skipped,
          });
        } else {
          if (healthSubjects[topic].value.reason !== sample.error) {
            logger.warnOnce(`${topic}:${sample.error}`, `${topic}: ${sample.error}`);
          }
          setHealth(topic, { state: 'error', reason: sample.error, source: sample.source ?? healthSubjects[topic].value.source });
        }
      }),
      tap((sample) => record(topic, sample)),
      // Running collectors are counted once per activation (retry() resubscribes after a crash,
      // above this): when none runs, the grid is released for the next start to anchor.
      tap<Sample<T>>({
        subscribe: () => void running++,
        finalize: () => {
          setHealth(topic, { state: 'idle', reason: undefined });
          if (--running === 0) grid.release();
        },
      }),
      takeUntil(closed$),
      // After close() the last unsubscribe must not arm a linger timer (it would hold the process).
      shareWithLinger(lingerMs, scheduler, () => closed),
    );
    // After close(), complete at once without connecting: share() would otherwise arm a linger
    // timer for a source that completed synchronously, keeping the process alive for lingerMs.
    return defer(() => (closed ? EMPTY : shared));
  }

  const samples = {} as { [K in Topic]: Observable<Sample<unknown>> };
  for (const t of TOPICS) if (t !== 'processes' && t !== 'disk') samples[t] = sharedSource(t);
  const diskSamples = sharedSource<DiskReading | DiskStats[]>('disk');
  samples.disk = diskSamples.pipe(map((s) => ({ ...s, value: disksOf(s.value) })));
  const diskIOSamples = diskSamples.pipe(map((s) => ({ ...s, value: diskIoOf(s.value) })));
  const diskIO$ = diskIOSamples.pipe(map((s) => s.value));
  const allProcessSamples = sharedSource<ProcessStats[]>('processes');
  samples.processes = allProcessSamples.pipe(map((s) => ({ ...s, value: aiList(s) })));

  const values = Object.fromEntries(
    TOPICS.map((t) => [t, samples[t].pipe(map((s) => s.value))]),
  ) as { [K in Topic]: Observable<TopicPayloads[K]> };

  const selections = new Map<string, Observable<StatsSelection>>();
  function select(topics: readonly Topic[], intervalMs?: number): Observable<StatsSelection> {
    const chosen = TOPICS.filter((t) => topics.includes(t));
    if (chosen.length === 0) throw new OptionError(`select: no known topic in ${JSON.stringify(topics)} (known: ${TOPICS.join(', ')})`);
    const pace = selectionPace(resolved.intervals, chosen, intervalMs);
    const key = `${chosen.join(',')}@${pace}`;
    let stream = selections.get(key);
    if (!stream) {
      // diskIO rides with disk, right after it in the message.
      const inputs = Object.fromEntries(chosen.flatMap((t): [string, Observable<Sample<unknown>>][] => (
        t === 'disk' ? [[t, samples[t]], ['diskIO', diskIOSamples]] : [[t, samples[t]]])));
      const ownPace: string[] = chosen.filter((t) => resolved.intervals[t] !== pace);
      if (ownPace.includes('disk')) ownPace.push('diskIO');
      const awaits = (_topic: string, sample: unknown) => (sample as Sample<unknown>).onGrid === true;
      stream = combineOnGrid(inputs, { intervalMs: pace, ownPace, awaits, grid, scheduler }).pipe(
        map((parts) => {
          const selection: Record<string, unknown> = {};
          for (const t of chosen) {
            selection[t] = parts[t]!.value;
            if (t === 'disk') selection.diskIO = parts.diskIO!.value;
          }
          return { ...selection, uptime: readUptime(resolved.procRoot), timestamp: new Date(scheduler.now()).toISOString() } as StatsSelection;
        }),
        // No linger of its own: the collectors linger and replay, and combineOnGrid emits at once
        // when every input replays, so a reader on a warm service is answered synchronously.
        share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true }),
      );
      selections.set(key, stream);
    }
    return stream;
  }

  // Keys come out in the contract's order: cpu, memory, gpu, disk, diskIO, network, processes, uptime, timestamp.
  const stats$ = select(TOPICS) as Observable<SystemStats>;
  const healthAll$ = combineLatest(healthSubjects).pipe(
    distinctUntilChanged((a, b) => TOPICS.every((t) => a[t] === b[t])),
  ) as Observable<Record<Topic, CollectorHealth>>;

  const allProcesses$ = allProcessSamples.pipe(map((s) => s.value));
  const warmTopics = Object.fromEntries(
    TOPICS.map((t) => [t, holdWarm<unknown>(values[t], resolved.intervals[t], scheduler)]),
  ) as unknown as { [K in Topic]: Observable<TopicPayloads[K]> };
  const warm = {
    stats$: holdWarm(stats$, resolved.intervalMs, scheduler),
    topic: <K extends Topic>(t: K) => warmTopics[t],
    allProcesses$: holdWarm(allProcesses$, resolved.intervals.processes, scheduler),
  };

  function snapshot(): Promise<SystemStats>;
  function snapshot<K extends Topic>(topic: K): Promise<TopicPayloads[K]>;
  function snapshot(topic?: Topic): Promise<unknown> {
    return topic ? firstValueFrom<unknown>(warm.topic(topic)) : firstValueFrom(warm.stats$);
  }

  return {
    stats$,
    cpu$: values.cpu,
    memory$: values.memory,
    gpu$: values.gpu,
    disk$: values.disk,
    diskIO$,
    network$: values.network,
    processes$: values.processes,
    allProcesses$,
    warm,
    health$: healthAll$,
    select,
    topic: (t) => values[t],
    snapshot,
    history: (query) => history.query(query),
    health: () => Object.fromEntries(TOPICS.map((t) => [t, healthSubjects[t].value])) as Record<Topic, CollectorHealth>,
    close: () => {
      if (closed) return;
      closed = true;
      closed$.next();
      closed$.complete();
    },
    get closed() {
      return closed;
    },
    options: resolved,
  };
}
