// The loop-mode child: `nvidia-smi --query-gpu=… --loop-ms=<interval>` as a cold observable of
// GPU lists, one per block of <gpuCount> rows. Unsubscribing kills the child's process group.
//
// It errors with LoopUnsupported when the child ends or prints something unreadable before its
// first block (loop mode does not work with this tool: query once per tick instead), and with a
// one-line message when a child that worked crashes, prints garbage or goes silent.
import { Observable, throwError, timeout, type SchedulerLike } from 'rxjs';
import type { GpuStats } from '../../types.js';
import { killTree, spawnTool, toolFailure, type ToolChild } from '../../tools/run-tool.js';
import { createBlockSplitter, parseBlock } from './nvidia-csv.js';
import { classifyNvidiaError, looksLikeNvidiaError } from './nvidia-errors.js';
import { queryArgs } from './nvidia-query.js';

export class LoopUnsupported extends Error {
  override name = 'LoopUnsupported';
}

export interface LoopOptions {
  smiPath: string;
  fields: readonly string[];
  gpuCount: number;
  intervalMs: number;
  /** Silence longer than this (no block) ends the child with an error. */
  stallMs: number;
  scheduler: SchedulerLike;
  env?: NodeJS.ProcessEnv;
  /**
   * Windows: hands the child's pid to the agent, which puts it in a kill-on-close Job Object, so
   * the child dies with the agent, and the agent with us (Windows has no parent-death signal).
   * A refusal leaves the exit hooks (child-registry.ts) as the only guard; it does not stop the loop.
   */
  adopt?: (pid: number) => Promise<unknown>;
}

export function loopBlocks(options: LoopOptions): Observable<GpuStats[]> {
  const { fields, stallMs } = options;
  const blocks = new Observable<GpuStats[]>((subscriber) => {
    let child: ToolChild | undefined;
    let count = 0;
    let tail = ''; // the last output, for the reason when the child dies
    const fail = (message: string) => subscriber.error(count === 0 ? new LoopUnsupported(message) : new Error(`${message} (restarting)`));
    const splitter = createBlockSplitter(options.gpuCount, (rows) => {
      if (subscriber.closed) return;
      try {
        const gpus = parseBlock(rows, fields);
        count++;
        subscriber.next(gpus);
      } catch (error) {
        const errorLine = rows.find(looksLikeNvidiaError);
        fail(errorLine ? classifyNvidiaError(errorLine).message : `nvidia-smi: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, { indexFirst: fields[0] === 'index' });
    const keepTail = (chunk: string) => { tail = (tail + chunk).slice(-2000); };
    const wire = (started: ToolChild) => {
      child = started;
      if (subscriber.closed) return killTree(started); // unsubscribed while it was starting
      if (options.adopt && started.pid !== undefined) options.adopt(started.pid).catch(() => undefined);
      started.stdout?.setEncoding('utf8');
      started.stderr?.setEncoding('utf8');
      started.stdout?.on('data', (chunk: string) => { keepTail(chunk); splitter.push(chunk); });
      started.stderr?.on('data', keepTail);
      void started.then((result) => {
        if (subscriber.closed) return;
        const c = classifyNvidiaError(tail);
        fail(c.kind !== 'unknown' ? c.message
          : toolFailure(options.smiPath, ['--loop-ms'], result.exitCode, result.signal ?? undefined, tail.split('\n').reverse().find((l) => l.trim()) ?? '').message);
      });
    };
    spawnTool(options.smiPath, [...queryArgs(fields), `--loop-ms=${options.intervalMs}`], { env: options.env, buffer: false })
      .then(({ child: started }) => wire(started), (error: unknown) => fail(`nvidia-smi: ${error instanceof Error ? error.message : String(error)}`));
    return () => { if (child) killTree(child); };
  });
  return blocks.pipe(timeout({
    each: stallMs,
    scheduler: options.scheduler,
    with: () => throwError(() => new Error(`nvidia-smi: loop stopped answering (nothing for ${stallMs} ms)`)),
  }));
}
