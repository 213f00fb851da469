import os from 'node:os';
import { parseUptime } from './uptime.js';
import { tryReadText } from './read.js';

/** Seconds since boot: /proc/uptime where there is one, else os.uptime(). */
export function readUptime(procRoot = '/proc'): number {
  const text = tryReadText(procRoot, 'uptime');
  if (text !== undefined) {
    try {
      return parseUptime(text);
    } catch {
      // fall through to the OS's answer
    }
  }
  return os.uptime();
}
