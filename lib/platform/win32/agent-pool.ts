// The one Windows agent child (agent.ps1 in Windows PowerShell 5.1) of a monitor, shared by every
// collector that needs it: started when the first one acquires it, told to end (stdin closed)
// when the last one releases it. A child that exits, prints garbage or stops answering is ended
// and its requests fail with one clear line; the next request starts a new child, after a
// backoff that doubles with each failure in a row (1 s … 30 s) and resets at the first answer.
import type { Readable, Writable } from 'node:stream';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { killTree, resolveTool, spawnTool, type ToolChild } from '../../tools/run-tool.js';
import { oneLine } from '../../format/one-line.js';
import { AGENT_SCRIPT } from './agent-script.js';
import { AgentProtocolError, encodeRequest, parseAgentLine, type AgentOp } from './protocol.js';

/** The tool, as found on PATH (the stand-in in specs is named the same). */
export const POWERSHELL = 'powershell.exe';

/**
 * -Command reads the first stdin line (the script, base64 of UTF-8) and runs it: no script file
 * on disk (the single executable has none to point at), and no execution policy applies to it.
 */
export const BOOTSTRAP = '$s=[Console]::In.ReadLine();iex ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($s)))';
export const POWERSHELL_ARGS: readonly string[] = ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', BOOTSTRAP];

export interface AgentLease {
  /** One request; resolves with the answer's data. `signal` (the sample's deadline) drops the wait, not the child. */
  request(op: AgentOp, options?: { pid?: number; signal?: AbortSignal }): Promise<unknown>;
  /** This user is done; the last release ends the child. */
  release(): void;
}

export interface AgentPool {
  acquire(): AgentLease;
}

export interface AgentPoolOptions {
  /** Absolute path of powershell.exe, or undefined to look it up on PATH (and in System32 on Windows). */
  powershell?: string;
  scheduler?: SchedulerLike;
  /** A request without an answer for this long means the child hangs: it is ended (default 15 s). */
  stallMs?: number;
  /** First and longest wait before starting a child again after a failure (default 1 s, 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The child's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Called with each failure's one-line reason (the service logs it once). */
  onFailure?: (reason: string) => void;
}

interface Pending {
  op: AgentOp;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  stall: Subscription;
}

interface Running {
  child: ToolChild | undefined;
  /** The child in a wrapper: the child is itself a promise (of its result), which `await` would wait for. */
  started: Promise<{ child: ToolChild }>;
  pending: Map<number, Pending>;
  failed: boolean;
}

export function findPowershell(): string | null {
  const onPath = resolveTool(POWERSHELL);
  if (onPath) return onPath;
  if (process.platform !== 'win32') return null;
  // Present on every Windows 10/11, even when a user's PATH lost it.
  const root = process.env.SystemRoot ?? 'C:\\Windows';
  return resolveTool(`${root}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`);
}

export function createAgentPool(options: AgentPoolOptions = {}): AgentPool {
  const scheduler = options.scheduler ?? asyncScheduler;
  const stallMs = options.stallMs ?? 15_000;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let users = 0;
  let running: Running | undefined;
  let nextId = 1;
  let failuresInARow = 0;
  let retryAt = 0;
  let lastFailure = '';

  const fail = (run: Running, reason: string) => {
    if (run.failed) return;
    run.failed = true;
    if (running === run) running = undefined;
    failuresInARow++;
    retryAt = scheduler.now() + Math.min(backoffMs * 2 ** (failuresInARow - 1), maxBackoffMs);
    lastFailure = `powershell agent: ${reason}`;
    options.onFailure?.(lastFailure);
    if (run.child) killTree(run.child);
    for (const p of run.pending.values()) {
      p.stall.unsubscribe();
      p.reject(new Error(lastFailure));
    }
    run.pending.clear();
  };

  const start = (): Running => {
    const file = options.powershell ?? findPowershell();
    const run: Running = { child: undefined, started: undefined as never, pending: new Map(), failed: false };
    run.started = (async () => {
      if (!file) throw new Error(`${POWERSHELL} not found on PATH`);
      const { child } = await spawnTool(file, POWERSHELL_ARGS, { stdin: 'pipe', buffer: false, ...(options.env ? { env: options.env } : {}) });
      run.child = child;
      wire(run, child);
      (child.stdin as Writable).write(`${Buffer.from(AGENT_SCRIPT, 'utf8').toString('base64')}\n`);
      return { child };
    })();
    run.started.catch((error: unknown) => fail(run, oneLine(error)));
    return run;
  };

  const wire = (run: Running, child: ToolChild) => {
    let stderrTail = '';
    let buffered = '';
    const stdout = child.stdout as Readable;
    stdout.setEncoding('utf8');
    (child.stderr as Readable | null)?.setEncoding('utf8');
    (child.stderr as Readable | null)?.on('data', (chunk: string) => { stderrTail = (stderrTail + chunk).slice(-1000); });
    // EPIPE when the child died first: its exit is reported below.
    (child.stdin as Writable).on('error', () => undefined);
    stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0 && !run.failed) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() === '') continue;
        let message;
        try {
          message = parseAgentLine(line);
        } catch (error) {
          fail(run, error instanceof AgentProtocolError ? error.message : oneLine(error));
          return;
        }
        if (message.kind === 'ready') continue;
        const pending = run.pending.get(message.id);
        if (!pending) continue; // its caller gave up (the sample's deadline passed)
        run.pending.delete(message.id);
        pending.stall.unsubscribe();
        if (message.kind === 'answer') {
          failuresInARow = 0;
          pending.resolve(message.data);
        } else pending.reject(new Error(`powershell agent: ${pending.op}: ${message.error}`));
      }
      if (buffered.length > 16 * 1024 * 1024) fail(run, 'a line longer than 16 MiB');
    });
    void child.then((result) => {
      if (run.failed) return;
      const why = stderrTail.split('\n').reverse().find((l) => l.trim()) ?? '';
      const how = result.signal ? `killed by ${result.signal}` : `exited with code ${result.exitCode}`;
      // An exit after the last release is the normal end, not a failure.
      if (running !== run) return;
      fail(run, `${how}${why ? `: ${oneLine(why)}` : ''}`);
    });
  };

  const stop = (run: Running) => {
    if (running === run) running = undefined;
    run.failed = true; // what it says or does from now on is not a failure
    for (const p of run.pending.values()) p.stall.unsubscribe();
    run.pending.clear();
    run.started.then(({ child }) => {
      (child.stdin as Writable).end();
      // It ends by itself at EOF; one that does not within 2 s is ended.
      scheduler.schedule(() => killTree(child), 2000);
    }, () => undefined);
  };

  const request = (op: AgentOp, opts: { pid?: number; signal?: AbortSignal } = {}): Promise<unknown> => {
    if (users === 0) return Promise.reject(new Error('powershell agent: used after release'));
    if (!running) {
      const wait = retryAt - scheduler.now();
      if (failuresInARow > 0 && wait > 0) {
        return Promise.reject(new Error(`${lastFailure} (starting again in ${Math.ceil(wait / 1000)} s)`));
      }
      running = start();
    }
    const run = running;
    const id = nextId++;
    const line = encodeRequest(id, op, opts.pid);
    return new Promise<unknown>((resolve, reject) => {
      const stall = scheduler.schedule(() => fail(run, `no answer to "${op}" within ${stallMs} ms`), stallMs);
      run.pending.set(id, { op, resolve, reject, stall });
      opts.signal?.addEventListener('abort', () => {
        const p = run.pending.get(id);
        if (!p) return;
        // The caller stops waiting; the stall timer still watches the child.
        p.resolve = () => undefined;
        p.reject = () => undefined;
        reject(new Error(`powershell agent: no answer to "${op}" yet`));
      }, { once: true });
      run.started.then(({ child }) => {
        if (!run.failed) (child.stdin as Writable).write(line);
      }, () => undefined);
    });
  };

  return {
    acquire(): AgentLease {
      users++;
      let released = false;
      return {
        request,
        release() {
          if (released) return;
          released = true;
          users--;
          if (users === 0 && running) stop(running);
        },
      };
    },
  };
}
