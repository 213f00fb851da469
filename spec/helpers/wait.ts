// Waiting in real time, for specs that drive real processes and sockets.
import { isAlive } from './fake-gpu-path.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves once `cond()` holds; throws after `timeoutMs`, naming `what`. */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Wait until every pid is gone (a killed child is reaped asynchronously). */
export async function gone(pids: number[], limitMs = 2000): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (pids.every((p) => !isAlive(p))) return true;
    await sleep(25);
  }
  return pids.every((p) => !isAlive(p));
}
