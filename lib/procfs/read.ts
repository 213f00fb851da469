import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// /proc and /sys files are generated in memory by the kernel: a synchronous read never waits
// on a disk and costs far less than a trip through libuv's threadpool for hundreds of tiny files.

export function readText(root: string, ...path: string[]): string {
  return readFileSync(join(root, ...path), 'utf8');
}

/** The text, or undefined when the file is missing or unreadable (a process that just exited). */
export function tryReadText(root: string, ...path: string[]): string | undefined {
  try {
    return readFileSync(join(root, ...path), 'utf8');
  } catch {
    return undefined;
  }
}

/** Directory entries, or [] when the directory is missing. */
export function tryReadDir(root: string, ...path: string[]): string[] {
  try {
    return readdirSync(join(root, ...path));
  } catch {
    return [];
  }
}
