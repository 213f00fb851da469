import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// /proc and /sys files are generated in memory by the kernel: a synchronous read never waits
// on a disk and costs far less than a trip through libuv's threadpool for hundreds of tiny files.
//
// Every read goes through one buffer that lives as long as the process: readFileSync would stat
// the file (0 bytes for every /proc file), allocate a fresh buffer, read twice and validate its
// options on each of the ~300 reads per sample; here it is open, one read (more only when the buffer filled up), close.
// Synchronous use only: nothing can interleave with a read.

let buffer = Buffer.allocUnsafe(64 * 1024);

/** The whole file as text (UTF-8), through the shared buffer. Throws like readFileSync. */
export function readFast(file: string): string {
  const fd = openSync(file, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const room = buffer.length - length;
      const n = readSync(fd, buffer, length, room, null);
      length += n;
      // A short read is the end: procfs and sysfs hand out everything that fits in one read.
      if (n < room) break;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** The text, or undefined when the file is missing or unreadable (a process that just exited). */
export function tryReadFast(file: string): string | undefined {
  try {
    return readFast(file);
  } catch {
    return undefined;
  }
}

export function readText(root: string, ...path: string[]): string {
  return readFast(join(root, ...path));
}

/** The text, or undefined when the file is missing or unreadable (a process that just exited). */
export function tryReadText(root: string, ...path: string[]): string | undefined {
  return tryReadFast(join(root, ...path));
}

/** Directory entries, or [] when the directory is missing. */
export function tryReadDir(root: string, ...path: string[]): string[] {
  try {
    return readdirSync(join(root, ...path));
  } catch {
    return [];
  }
}
