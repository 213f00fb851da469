// Running external tools (nvidia-smi, rocm-smi, amd-smi) safely.
//
// - A tool is found by searching PATH here, once, and then always run by absolute path: never
//   through a shell, never with client input in its arguments.
// - Every child runs in its own process group (`detached: true`), so a kill reaches the tool and
//   anything it started: `process.kill(-pid, 'SIGKILL')`.
// - execa's own `cleanup` does not apply to detached children, so a registry here kills every
//   live child when this process exits or gets SIGTERM/SIGINT/SIGHUP.
// - If the service dies without running any handler (SIGKILL, OOM), a long-lived child still goes:
//   its stdout is a pipe to the service, so a loop-mode `nvidia-smi` gets SIGPIPE/EPIPE on its next
//   write (one loop period later) and exits. Node cannot set PR_SET_PDEATHSIG, and no wrapper
//   process is used (it would have to be a shell or another program). The spec
//   spec/tools/run-tool.spec.ts checks this with a parent that is SIGKILLed.
import { execa, type ResultPromise } from 'execa';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { firstLine } from '../format/one-line.js';

/** The whole text a failed tool printed, kept for classification, and a one-line message. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly output: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

const resolved = new Map<string, string | null>();

/**
 * Find `name` on PATH (and PATHEXT on Windows) and return its absolute path, or null.
 * An absolute or relative path with a separator is checked as is. Results are cached per PATH.
 */
export function resolveTool(name: string, pathEnv: string | undefined = process.env.PATH, platform = process.platform): string | null {
  const key = `${platform}\0${pathEnv ?? ''}\0${name}`;
  if (resolved.has(key)) return resolved.get(key)!;
  const found = search(name, pathEnv, platform);
  resolved.set(key, found);
  return found;
}

function search(name: string, pathEnv: string | undefined, platform: NodeJS.Platform): string | null {
  const exts = platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    const abs = path.resolve(name);
    return isExecutable(abs, platform) ? abs : null;
  }
  const delimiter = platform === 'win32' ? ';' : ':';
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue; // a relative PATH entry would depend on the cwd
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate, platform)) return candidate;
    }
  }
  return null;
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Forget cached look-ups (specs that rebuild PATH). */
export function clearToolCache(): void {
  resolved.clear();
}

export interface RunToolOptions {
  /** Kill the tool (its whole group) after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface ToolResult {
  stdout: string;
  exitCode: number;
}

/** Run a tool once and collect its output. Rejects with a ToolError naming command, exit code and first line. */
export async function runTool(file: string, args: readonly string[], options: RunToolOptions): Promise<ToolResult> {
  if (options.signal?.aborted) throw new ToolError(`${describe(file, args)}: cancelled`, describe(file, args), undefined, '');
  const child = spawnTool(file, args, { timeoutMs: options.timeoutMs, env: options.env, all: true });
  // Cancelling kills the whole group at once, like a timeout does.
  const onAbort = () => killTree(child);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  child.finally(() => options.signal?.removeEventListener('abort', onAbort)).catch(() => {});
  const result = await child;
  const output = String(result.all ?? '');
  if (result.timedOut) {
    killTree(child); // execa's timeout reaches only the leader; take the rest of the group too
    throw new ToolError(`${describe(file, args)}: no answer within ${options.timeoutMs} ms`, describe(file, args), undefined, output, true);
  }
  if (options.signal?.aborted) throw new ToolError(`${describe(file, args)}: cancelled`, describe(file, args), undefined, output);
  if (result.failed || result.exitCode !== 0) {
    throw toolFailure(file, args, result.exitCode, result.signal, output, result.code);
  }
  return { stdout: String(result.stdout ?? ''), exitCode: 0 };
}

/** The one-line error for a tool that ended badly. */
export function toolFailure(
  file: string,
  args: readonly string[],
  exitCode: number | undefined,
  signal: string | undefined,
  output: string,
  code?: string,
): ToolError {
  const cmd = describe(file, args);
  const first = firstLine(output);
  const how = code === 'ENOENT' ? 'not found'
    : code === 'EACCES' ? 'not executable'
    : signal ? `killed by ${signal}`
    : `exited with code ${exitCode ?? '?'}`;
  return new ToolError(`${cmd} ${how}${first ? `: ${first}` : ''}`, cmd, exitCode, output);
}

export interface SpawnToolOptions {
  /** 0 or absent: no time limit (a long-lived child). */
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Interleave stdout and stderr in `result.all`. */
  all?: boolean;
  /** false for a long-lived child read through its `data` events (execa would keep all output otherwise). */
  buffer?: boolean;
}

/**
 * Start a child in its own process group, registered so it is killed when this process ends.
 * The promise never rejects (`reject: false`); inspect the result.
 */
export function spawnTool(file: string, args: readonly string[], options: SpawnToolOptions = {}): ResultPromise<{ reject: false; detached: true }> {
  const child = execa(file, [...args], {
    reject: false,
    shell: false,
    detached: true,
    cleanup: true,
    windowsHide: true,
    stdin: 'ignore',
    stripFinalNewline: false,
    encoding: 'utf8',
    all: options.all ?? false,
    buffer: options.buffer ?? true,
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    forceKillAfterDelay: 1000,
    // The group kill below also reaches grandchildren; execa's own kill reaches the leader.
    killSignal: 'SIGKILL',
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
  }) as unknown as ResultPromise<{ reject: false; detached: true }>;
  register(child);
  return child;
}

/** Kill a child and its whole process group at once. Safe to call twice or after it exited. */
export function killTree(child: { pid?: number | undefined; kill: (signal?: NodeJS.Signals) => boolean }): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  try {
    child.kill('SIGKILL');
  } catch {
    /* already gone */
  }
}

// ---- registry of live children ----

type Child = ResultPromise<{ reject: false; detached: true }>;
const live = new Set<Child>();
let hooked = false;

function register(child: Child): void {
  live.add(child);
  const forget = () => live.delete(child);
  child.then(forget, forget);
  hook();
}

/** How many children started through this module are still running. */
export function liveChildren(): number {
  return live.size;
}

/** Kill every live child (on shutdown). */
export function killAllTools(): void {
  for (const child of live) killTree(child);
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllTools);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAllTools();
      // If nobody else handles the signal, keep its default meaning: end the process.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
  }
}

/** `nvidia-smi --query-gpu=… --format=csv`: the command, with long field lists shortened. */
export function describe(file: string, args: readonly string[]): string {
  const short = args.map((a) => (a.length > 40 && a.includes('=') ? a.slice(0, a.indexOf('=') + 1) + '…' : a));
  return [path.basename(file), ...short].join(' ');
}
