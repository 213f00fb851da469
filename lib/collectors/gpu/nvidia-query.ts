// One-shot nvidia-smi runs as cold observables: subscribing spawns the tool, unsubscribing aborts
// it (the child's process group is killed). Used for the first query, the per-tick modes and the
// compute-apps list; the loop child is nvidia-loop.ts.
import { Observable } from 'rxjs';
import type { GpuProcess, GpuStats } from '../../types.js';
import { runTool, ToolError } from '../../tools/run-tool.js';
import { DEFAULT_APP_FIELDS, parseComputeApps, processesByUuid } from './nvidia-apps.js';
import { parseQueryGpu } from './nvidia-csv.js';
import { classifyNvidiaError, looksLikeNvidiaError } from './nvidia-errors.js';
import { parseNvidiaXml } from './nvidia-xml.js';

export interface QueryOptions {
  smiPath: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** `--query-gpu` arguments for these fields, without header and units. */
export function queryArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

export const APP_ARGS: readonly string[] = [`--query-compute-apps=${DEFAULT_APP_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

function run<T>(options: QueryOptions, args: readonly string[], parse: (stdout: string) => T): Observable<T> {
  return new Observable<T>((subscriber) => {
    const abort = new AbortController();
    runTool(options.smiPath, args, { timeoutMs: options.timeoutMs, signal: abort.signal, env: options.env })
      .then(({ stdout }) => parse(stdout))
      .then((value) => { subscriber.next(value); subscriber.complete(); }, (error: unknown) => subscriber.error(error));
    return () => abort.abort();
  });
}

/** One `--query-gpu` run. An error message printed in place of rows (exit code 0) is a ToolError too. */
export function queryGpus(options: QueryOptions, fields: readonly string[]): Observable<GpuStats[]> {
  return run(options, queryArgs(fields), (stdout) => {
    if (stdout.split('\n').some(looksLikeNvidiaError)) throw new ToolError(classifyNvidiaError(stdout).message, 'nvidia-smi', 0, stdout);
    return parseQueryGpu(stdout, fields);
  });
}

/** One `nvidia-smi -q -x` run (old drivers that reject the CSV fields); carries processes itself. */
export function queryXml(options: QueryOptions): Observable<GpuStats[]> {
  return run(options, ['-q', '-x'], parseNvidiaXml);
}

/** One `--query-compute-apps` run: each GPU's processes, by GPU UUID. */
export function queryProcesses(options: QueryOptions): Observable<Map<string, GpuProcess[]>> {
  return run(options, APP_ARGS, (stdout) => processesByUuid(parseComputeApps(stdout, DEFAULT_APP_FIELDS)));
}
