// Running an external tool (nvidia-smi, rocm-smi, amd-smi) once, with a timeout, and turning a
// failure into one line. The pieces live apart: resolve.ts (PATH lookup), spawn.ts (how a child is
// started), parent-death.ts (children cannot outlive the service), child-registry.ts (kill all on
// exit), kill-tree.ts (kill a child's whole process group).
import path from 'node:path';
import { firstLine } from '../format/one-line.js';
import { killTree } from './kill-tree.js';
import { spawnTool } from './spawn.js';

export { resolveTool, clearToolCache } from './resolve.js';
export { spawnTool, type SpawnToolOptions, type ToolChild } from './spawn.js';
export { killTree } from './kill-tree.js';
export { liveChildren, killAllTools } from './child-registry.js';

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
  const { child } = await spawnTool(file, args, { timeoutMs: options.timeoutMs, env: options.env, all: true });
  if (options.signal?.aborted) killTree(child);
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

/** `nvidia-smi --query-gpu=… --format=csv`: the command, with long field lists shortened. */
export function describe(file: string, args: readonly string[]): string {
  const short = args.map((a) => (a.length > 40 && a.includes('=') ? a.slice(0, a.indexOf('=') + 1) + '…' : a));
  return [path.basename(file), ...short].join(' ');
}
