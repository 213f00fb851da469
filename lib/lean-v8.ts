// Imported first by the command line only: a library user's app keeps its own V8 settings.
import v8 from 'node:v8';

/**
 * No optimizing compiler (TurboFan) for the service process. Its JavaScript runs well under a
 * millisecond per sample, so optimized code buys nothing measurable, while TurboFan's compiled code
 * and compilation zones and the binary pages it touches cost about 9 MB of RSS (bench: 65 → 56 MB
 * after two minutes with one client, same CPU). Ignition and Sparkplug still run everything.
 * Set as code rather than a node flag so that `npm start`, the bundled single file and
 * `node dist/lib/cli.js` all get it; `node --turbofan` (or --opt) on the command line keeps it on.
 */
export function leanV8(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => /^--(turbofan|opt|no-turbofan|no-opt)$/.test(a))) return false;
  v8.setFlagsFromString('--no-turbofan');
  return true;
}

leanV8();
