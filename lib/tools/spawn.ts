// Starting a tool: never through a shell, in its own process group (so a kill reaches anything it
// starts), with stdin closed, registered for kill-on-exit, and guarded by a parent-death signal.
// execa (and node:child_process, streams and the rest it brings) is loaded at the first spawn: on a
// machine with no GPU tool the service never loads it (about 2 MB less resident memory).
import type { ResultPromise } from 'execa';
import { register } from './child-registry.js';
import { pdeathsigLauncher, withParentDeathSignal } from './parent-death.js';

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
  /** 'pipe' for a child that takes requests on its stdin (default: closed). */
  stdin?: 'ignore' | 'pipe';
}

let execaModule: Promise<typeof import('execa')> | undefined;

/**
 * Start a child in its own process group, registered so it is killed when this process ends.
 * Resolves once it is started, with the child in a wrapper (the child is itself a promise, of its
 * result, which an async function would wait for); that promise never rejects (`reject: false`).
 */
export async function spawnTool(file: string, args: readonly string[], options: SpawnToolOptions = {}): Promise<{ child: ToolChild }> {
  const { execa } = await (execaModule ??= import('execa'));
  const launch = withParentDeathSignal(file, args, await pdeathsigLauncher());
  const child = execa(launch.file, launch.args, {
    reject: false,
    shell: false,
    detached: true,
    cleanup: true,
    windowsHide: true,
    stdin: options.stdin ?? 'ignore',
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
  return { child };
}
