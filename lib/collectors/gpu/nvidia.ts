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
// Processes come from `--query-compute-apps` on a slower cadence, joined to GPUs by UUID.
import { Observable, Subscription, timer } from 'rxjs';
import type { GpuProcess, GpuStats } from '../../types.js';
import type { CollectorContext } from '../context.js';
import type { Sample } from '../sample.js';
import { killTree, runTool, spawnTool, toolFailure, ToolError } from '../../tools/run-tool.js';
import { DEFAULT_GPU_FIELDS, createBlockSplitter, parseBlock, parseQueryGpu } from './nvidia-csv.js';
import { DEFAULT_APP_FIELDS, joinProcesses, parseComputeApps, processesByUuid } from './nvidia-apps.js';
import { classifyNvidiaError, looksLikeNvidiaError } from './nvidia-errors.js';
import { parseNvidiaXml } from './nvidia-xml.js';

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

function queryArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

export function nvidiaGpu(ctx: CollectorContext, options: NvidiaOptions): Observable<Sample<GpuStats[]>> {
  return new Observable<Sample<GpuStats[]>>((subscriber) => {
    const { scheduler, intervalMs } = ctx;
    // Old drivers reject fields they do not know; such a field is dropped and the query retried.
    let fields = [...(options.fields ?? DEFAULT_GPU_FIELDS)];
    let csvArgs = queryArgs(fields);
    const runTimeout = Math.max(ctx.timeoutMs, intervalMs);
    const probeTimeout = options.probeTimeoutMs ?? Math.max(10_000, runTimeout);
    const backoff = options.backoff ?? { firstMs: 1000, maxMs: 30_000 };
    const env = options.env;
    const subs = new Subscription();
    const abort = new AbortController();
    let closed = false;
    let emitted = false;
    let mode: NvidiaMode = 'loop';
    let delay = backoff.firstMs;
    let processes: Map<string, GpuProcess[]> | undefined;
    let processesStarted = false;
    let loop: ReturnType<typeof spawnTool> | undefined;
    let modeTimer: Subscription | undefined;

    const emit = (sample: Sample<GpuStats[]>) => {
      if (closed) return;
      emitted = true;
      subscriber.next(sample);
    };
    const ok = (gpus: GpuStats[], source: string, durationMs?: number) =>
      emit({ value: processes ? joinProcesses(gpus, processes) : gpus, ok: true, source, at: Date.now(), ...(durationMs !== undefined ? { durationMs } : {}) });
    const fail = (error: string, source = SOURCE[mode]) => emit({ value: [], ok: false, error, source, at: Date.now() });
    const after = (ms: number, work: () => void) => {
      const s = timer(ms, scheduler).subscribe(() => { subs.remove(s); if (!closed) work(); });
      subs.add(s);
      return s;
    };
    const reason = (error: unknown): { message: string; invalidField: boolean; field?: string } => {
      if (error instanceof ToolError) {
        if (error.timedOut) return { message: error.message, invalidField: false };
        const c = classifyNvidiaError(error.output || error.message);
        return {
          message: c.kind === 'unknown' ? error.message : c.message,
          invalidField: c.kind === 'invalid-field',
          ...(c.field ? { field: c.field } : {}),
        };
      }
      return { message: `nvidia-smi: ${error instanceof Error ? error.message : String(error)}`, invalidField: false };
    };
    const restartLater = () => {
      const wait = delay;
      delay = Math.min(delay * 2, backoff.maxMs);
      after(wait, probe);
    };

    // First sample promptly, whatever the tool does.
    after(ctx.timeoutMs, () => { if (!emitted) fail('nvidia-smi: no answer yet'); });

    // ---- one query (probe, and per-tick mode) ----
    async function queryCsv(timeoutMs: number): Promise<GpuStats[]> {
      const { stdout } = await runTool(options.smiPath, csvArgs, { timeoutMs, signal: abort.signal, env });
      if (stdout.split('\n').some(looksLikeNvidiaError)) throw new ToolError(classifyNvidiaError(stdout).message, 'nvidia-smi', 0, stdout);
      return parseQueryGpu(stdout, fields);
    }

    async function probe(): Promise<void> {
      const started = scheduler.now();
      let gpus: GpuStats[];
      try {
        gpus = await queryCsv(probeTimeout);
      } catch (error) {
        if (closed) return;
        const why = reason(error);
        if (why.invalidField && why.field && why.field !== 'name' && fields.includes(why.field)) {
          fields = fields.filter((f) => f !== why.field);
          csvArgs = queryArgs(fields);
          return probe();
        }
        if (why.invalidField) return switchMode('xml');
        fail(why.message, 'nvidia-smi');
        return restartLater();
      }
      if (closed) return;
      if (gpus.length === 0) {
        fail('nvidia-smi: no NVIDIA GPU found (empty answer)', 'nvidia-smi');
        return restartLater();
      }
      ok(gpus, 'nvidia-smi', scheduler.now() - started);
      startProcesses();
      if (mode === 'loop') startLoop(gpus.length);
      else switchMode(mode);
    }

    // ---- loop mode ----
    function startLoop(gpuCount: number): void {
      const child = spawnTool(options.smiPath, [...csvArgs, `--loop-ms=${intervalMs}`], { env, buffer: false });
      loop = child;
      let blocks = 0;
      let stopped = false; // we ended it on purpose
      let tail = '';
      let watchdog: Subscription | undefined;
      const stop = () => {
        stopped = true;
        watchdog?.unsubscribe();
        killTree(child);
        if (loop === child) loop = undefined;
      };
      const arm = () => {
        watchdog?.unsubscribe();
        watchdog = after(intervalMs * 2 + ctx.timeoutMs, () => {
          stop();
          fail(`nvidia-smi: loop stopped answering (nothing for ${intervalMs * 2 + ctx.timeoutMs} ms)`);
          restartLater();
        });
      };
      const splitter = createBlockSplitter(gpuCount, (rows) => {
        if (stopped || closed) return;
        let gpus: GpuStats[];
        try {
          gpus = parseBlock(rows, fields);
        } catch (error) {
          const errorLine = rows.find(looksLikeNvidiaError);
          stop();
          // Not one good tick yet: the loop options themselves are refused. One query per tick instead.
          if (blocks === 0) return switchMode('tick');
          fail(`${errorLine ? classifyNvidiaError(errorLine).message : `nvidia-smi: ${error instanceof Error ? error.message : String(error)}`} (restarting)`);
          return restartLater();
        }
        blocks++;
        delay = backoff.firstMs;
        arm();
        ok(gpus, SOURCE.loop);
      }, { indexFirst: fields[0] === 'index' });
      const keepTail = (chunk: string) => { tail = (tail + chunk).slice(-2000); };
      child.stdout?.setEncoding('utf8');
      child.stderr?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => { keepTail(chunk); splitter.push(chunk); });
      child.stderr?.on('data', keepTail);
      arm();
      void child.then((result) => {
        if (stopped || closed) return;
        stop();
        if (blocks === 0) {
          // It never delivered a tick: loop mode does not work with this tool. One query per tick instead.
          return switchMode('tick');
        }
        const c = classifyNvidiaError(tail);
        const message = c.kind !== 'unknown' ? c.message
          : toolFailure(options.smiPath, ['--loop-ms'], result.exitCode, result.signal ?? undefined, tail.split('\n').reverse().find((l) => l.trim()) ?? '').message;
        fail(`${message} (restarting)`);
        restartLater();
      });
    }

    // ---- per-tick modes (loop unsupported, or old driver through XML) ----
    function switchMode(next: NvidiaMode): void {
      mode = next;
      modeTimer?.unsubscribe();
      let inFlight = false;
      const tick = async () => {
        if (inFlight || closed) return;
        inFlight = true;
        const started = scheduler.now();
        try {
          if (mode === 'xml') {
            const { stdout } = await runTool(options.smiPath, ['-q', '-x'], { timeoutMs: runTimeout, signal: abort.signal, env });
            const gpus = parseNvidiaXml(stdout);
            ok(gpus, SOURCE.xml, scheduler.now() - started);
          } else {
            startProcesses();
            ok(await queryCsv(runTimeout), SOURCE.tick, scheduler.now() - started);
          }
        } catch (error) {
          if (!closed) fail(reason(error).message);
        } finally {
          inFlight = false;
        }
      };
      modeTimer = timer(mode === 'xml' ? 0 : intervalMs, intervalMs, scheduler).subscribe(() => void tick());
      subs.add(modeTimer);
    }

    // ---- processes, on their own slower cadence ----
    function startProcesses(): void {
      if (processesStarted || options.processIntervalMs <= 0 || !fields.includes('uuid')) return;
      processesStarted = true;
      let inFlight = false;
      const args = [`--query-compute-apps=${DEFAULT_APP_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
      subs.add(timer(0, options.processIntervalMs, scheduler).subscribe(async () => {
        if (inFlight || closed || mode === 'xml') return;
        inFlight = true;
        try {
          const { stdout } = await runTool(options.smiPath, args, { timeoutMs: runTimeout, signal: abort.signal, env });
          processes = processesByUuid(parseComputeApps(stdout, DEFAULT_APP_FIELDS));
        } catch {
          processes = undefined; // processes are extra: a failure here holds nothing back
        } finally {
          inFlight = false;
        }
      }));
    }

    void probe();

    return () => {
      closed = true;
      subs.unsubscribe();
      abort.abort();
      if (loop) killTree(loop);
      loop = undefined;
    };
  });
}
