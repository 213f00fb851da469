// Starting a tool: never through a shell, in its own process group (so a kill reaches anything it
// starts), with stdin closed, registered for kill-on-exit, and guarded by a parent-death signal.
import { execa, type ResultPromise } from 'execa';
import { register } from './child-registry.js';
import { withParentDeathSignal } from './parent-death.js';

export type ToolChild = ResultPromise<{ reject: false; detached: true }>;

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
export function spawnTool(file: string, args: readonly string[], options: SpawnToolOptions = {}): ToolChild {
  const launch = withParentDeathSignal(file, args);
  const child = execa(launch.file, launch.args, {
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
    // The group kill (killTree) also reaches grandchildren; execa's own kill reaches the leader.
    killSignal: 'SIGKILL',
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
  }) as unknown as ToolChild;
  register(child);
  return child;
}
