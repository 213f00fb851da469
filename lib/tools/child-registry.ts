// Every live tool child, so that all of them are killed when this process exits or gets
// SIGTERM/SIGINT/SIGHUP. execa's own `cleanup` does not apply to detached children (and every
// tool runs detached, in its own process group). SIGKILL runs no handler: see parent-death.ts.
import { killTree } from './kill-tree.js';

interface Killable {
  pid?: number | undefined;
  kill: (signal?: NodeJS.Signals) => boolean;
  then: PromiseLike<unknown>['then'];
}

const live = new Set<Killable>();
let hooked = false;

/** Remember `child` until it ends; installs the exit and signal hooks on first use. */
export function register(child: Killable): void {
  live.add(child);
  const forget = () => live.delete(child);
  child.then(forget, forget);
  hook();
}

/** How many registered children are still running. */
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
