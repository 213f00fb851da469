// Children that cannot outlive the service, even when it dies without running any handler
// (SIGKILL, the OOM killer). On Linux every tool is started through util-linux's
// `setpriv --pdeathsig KILL -- <tool> …`: setpriv asks the kernel (prctl PR_SET_PDEATHSIG) to
// SIGKILL it when the thread that spawned it dies, then execs the tool in place (same pid, same
// process group, no extra process left running); the setting survives that exec. Node itself
// cannot call prctl, and a shell wrapper is not used.
//
// The cost is one extra exec per spawn (measured by `npm run bench`); a long-lived loop-mode
// nvidia-smi pays it once. Limits: a child started from a worker thread dies with that thread; a
// set-user-ID tool drops the setting at exec; if the service dies in the instant between fork and
// setpriv's prctl the child is not covered. Without setpriv (or one older than util-linux 2.33),
// and on macOS and Windows, children are still killed by the exit/signal hooks
// (child-registry.ts), and a loop-mode child dies at its next write into the closed pipe.
import { resolveTool } from './resolve.js';

export interface Launch {
  file: string;
  args: string[];
}

let cached: Promise<string | null> | undefined;

/** Directories searched for setpriv after PATH (a service started with a bare PATH still finds it). */
const SYSTEM_DIRS = '/usr/bin:/bin:/usr/sbin:/sbin';

/**
 * The absolute path of a `setpriv` that supports `--pdeathsig` and works here (checked once by
 * running it, without blocking the event loop), or null (not Linux, not installed, too old, or
 * prctl refused).
 */
export function pdeathsigLauncher(platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (platform !== 'linux') return Promise.resolve(null);
  cached ??= (async () => {
    const setpriv = resolveTool('setpriv', `${process.env.PATH ?? ''}:${SYSTEM_DIRS}`);
    return setpriv !== null && (await probe(setpriv)) ? setpriv : null;
  })();
  return cached;
}

async function probe(setpriv: string): Promise<boolean> {
  // Loaded here, at the first spawn: a service with no tool to run never loads node:child_process.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(setpriv, ['--pdeathsig', 'KILL', '--', setpriv, '--version'], { stdio: 'ignore', timeout: 2000 });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** How `file args` is really started: through setpriv when available. */
export function withParentDeathSignal(file: string, args: readonly string[], launcher: string | null): Launch {
  if (launcher === null) return { file, args: [...args] };
  return { file: launcher, args: ['--pdeathsig', 'KILL', '--', file, ...args] };
}
