// The NVIDIA back-end: one long-lived `nvidia-smi --query-gpu=… --loop-ms=<interval>` per subscription.
//
//   subscribe ──► probe: one `--query-gpu` run (learns the GPU count, answers the first sample,
//                 checks the fields) ──► loop child, its stdout cut into blocks of <count> rows,
//                 one sample per block ──► unsubscribe: the child's process group is SIGKILLed.
//
// Faults: a failed probe (driver, no devices, hang) emits `[]` + a one-line reason and retries with
// backoff; a loop child that exits before its first block means loop mode does not work here, so the
// collector falls back to one query per tick; a loop child that crashes, stalls or prints garbage
// after working emits `[]` + reason and is restarted (probe again) with backoff; a driver that does not
// know a requested field ("is not a valid field") switches to `nvidia-smi -q -x` per tick.
// Processes come from `--query-compute-apps` on a slower cadence, joined to GPUs by UUID; the first
// run goes with the first query, so the first reading already lists them (null when unknown).
//
// Pieces: nvidia-query.ts (one-shot runs), nvidia-loop.ts (the loop child), nvidia-errors.ts (one
// line saying why); this file only decides which runs next.
import { ReplaySubject, concat, concatMap, catchError, defer, exhaustMap, ignoreElements, map, merge, of, switchMap, take, tap, timer, type Observable } from 'rxjs';
import type { GpuProcess, GpuStats } from '../../types.js';
import type { CollectorContext } from '../context.js';
import type { Sample } from '../sample.js';
import { joinProcesses } from './nvidia-apps.js';
import { DEFAULT_GPU_FIELDS } from './nvidia-csv.js';
import { explainQueryFailure } from './nvidia-errors.js';
import { LoopUnsupported, loopBlocks } from './nvidia-loop.js';
import { withAgent } from '../../platform/win32/samplers.js';
import { queryGpus, queryProcesses, queryXml, type QueryOptions } from './nvidia-query.js';

export interface NvidiaOptions {
  /** Absolute path of nvidia-smi (resolved once by the caller). */
  smiPath: string;
  /** `--query-gpu` fields; DEFAULT_GPU_FIELDS unless a spec narrows them. */
  fields?: readonly string[];
  /** Cadence of `--query-compute-apps`; 0 turns processes off. */
  processIntervalMs: number;
  /** Environment for the child processes (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long the first query may take before it counts as hung (the first sample comes earlier anyway). */
  probeTimeoutMs?: number;
  /** Restart delays after a crash: `first`, doubling up to `max`; reset by a good block. */
  backoff?: { firstMs: number; maxMs: number };
}

export type NvidiaMode = 'loop' | 'tick' | 'xml';

const SOURCE: Record<NvidiaMode, string> = { loop: 'nvidia-smi loop', tick: 'nvidia-smi', xml: 'nvidia-smi -q -x' };

type GpuSample = Sample<GpuStats[]>;

const ok = (value: GpuStats[], source: string, durationMs?: number): GpuSample =>
  ({ value, ok: true, source, at: Date.now(), ...(durationMs !== undefined ? { durationMs } : {}) });
const fail = (error: string, source: string): GpuSample => ({ value: [], ok: false, error, source, at: Date.now() });

export function nvidiaGpu(ctx: CollectorContext, options: NvidiaOptions): Observable<GpuSample> {
  const { scheduler, intervalMs } = ctx;
  const runTimeout = Math.max(ctx.timeoutMs, intervalMs);
  const query: QueryOptions = { smiPath: options.smiPath, timeoutMs: runTimeout, ...(options.env ? { env: options.env } : {}) };
  const probeQuery: QueryOptions = { ...query, timeoutMs: options.probeTimeoutMs ?? Math.max(10_000, runTimeout) };
  const backoff = options.backoff ?? { firstMs: 1000, maxMs: 30_000 };
  const stallMs = intervalMs * 2 + ctx.timeoutMs;

  /** A sample from one run, with how long it took. */
  const timed = (run: Observable<GpuStats[]>, source: string) => defer(() => {
    const started = scheduler.now();
    return run.pipe(map((gpus) => ok(gpus, source, scheduler.now() - started)));
  });

  /** After a failure: wait (doubling from backoff.firstMs up to maxMs), then probe again. */
  const retryLater = (fields: readonly string[], attempt: number): Observable<GpuSample> =>
    timer(Math.min(backoff.firstMs * 2 ** attempt, backoff.maxMs), scheduler).pipe(switchMap(() => probe(fields, attempt + 1)));

  /** One query: learns the GPU count, answers the first sample, and finds fields an old driver rejects. */
  const probe = (fields: readonly string[], attempt: number): Observable<GpuSample> =>
    timed(queryGpus(probeQuery, fields), SOURCE.tick).pipe(
      map((sample) => ({ sample })),
      catchError((error: unknown) => of({ error })),
      switchMap((result): Observable<GpuSample> => {
        if ('sample' in result) {
          if (result.sample.value.length === 0) return concat(of(fail('nvidia-smi: no NVIDIA GPU found (empty answer)', SOURCE.tick)), retryLater(fields, attempt));
          return concat(of(result.sample), loop(fields, result.sample.value.length, attempt));
        }
        const why = explainQueryFailure(result.error);
        if (why.invalidField && why.field && why.field !== 'name' && fields.includes(why.field)) {
          return probe(fields.filter((f) => f !== why.field), attempt); // dropped, asked again at once
        }
        if (why.invalidField) return perTick('xml', fields);
        return concat(of(fail(why.message, SOURCE.tick)), retryLater(fields, attempt));
      }),
    );

  /** The loop child; restarted (probe first) after a crash, replaced by per-tick queries if loop mode never worked. */
  const loop = (fields: readonly string[], gpuCount: number, attempt: number): Observable<GpuSample> => defer(() => {
    let delivered = false; // a good block resets the backoff
    const blocks = (adopt?: (pid: number) => Promise<unknown>) =>
      loopBlocks({ smiPath: options.smiPath, fields, gpuCount, intervalMs, stallMs, scheduler, ...(options.env ? { env: options.env } : {}), ...(adopt ? { adopt } : {}) });
    // Windows: the agent holds the loop child in its kill-on-close Job Object (nvidia-loop.ts).
    const run = ctx.platform === 'win32' ? withAgent(ctx, (lease) => blocks((pid) => lease.request('adopt', { pid }))) : blocks();
    return run.pipe(
      tap(() => { delivered = true; }),
      map((gpus) => ok(gpus, SOURCE.loop)),
      catchError((error: unknown) => (error instanceof LoopUnsupported
        ? perTick('tick', fields)
        : concat(of(fail(error instanceof Error ? error.message : String(error), SOURCE.loop)), retryLater(fields, delivered ? 0 : attempt)))),
    );
  });

  /** One run per tick: loop mode unsupported ('tick'), or a driver too old for the CSV fields ('xml', from now on). */
  const perTick = (mode: 'tick' | 'xml', fields: readonly string[]): Observable<GpuSample> =>
    timer(mode === 'xml' ? 0 : intervalMs, intervalMs, scheduler).pipe(
      exhaustMap(() => timed(mode === 'xml' ? queryXml(query) : queryGpus(query, fields), SOURCE[mode]).pipe(
        catchError((error: unknown) => of(fail(explainQueryFailure(error).message, SOURCE[mode]))),
      )),
    );

  return defer(() => {
    const fields = options.fields ?? DEFAULT_GPU_FIELDS;
    // The latest process list (null: off, failed, or no UUIDs to join on), first asked together with
    // the probe and with the probe's patience: the first reading waits for it.
    const processes = new ReplaySubject<Map<string, GpuProcess[]> | null>(1);
    const processPoll = options.processIntervalMs > 0 && fields.includes('uuid')
      ? timer(0, options.processIntervalMs, scheduler).pipe(
        exhaustMap((n) => queryProcesses(n === 0 ? probeQuery : query).pipe(catchError(() => of(null)))),
      )
      : of(null);
    const withProcesses = (sample: GpuSample): Observable<GpuSample> => (!sample.ok || sample.source === SOURCE.xml
      ? of(sample) // -q -x lists processes itself
      : processes.pipe(take(1), map((byUuid) => (byUuid ? { ...sample, value: joinProcesses(sample.value, byUuid) } : sample))));
    return merge(
      processPoll.pipe(tap((p) => processes.next(p)), ignoreElements()),
      probe(fields, 0).pipe(concatMap(withProcesses)),
    );
  });
}
