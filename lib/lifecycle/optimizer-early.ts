// Imported first by cli.ts, so it runs before any other module of the service is evaluated: V8's
// compilers are off from the first line unless `--optimizer on` was given. Anything that
// got hot while the rest loaded would otherwise pull in the compiler's memory (lib/lifecycle/
// optimizer.ts) before main() could say no. main() applies the parsed flag again and watches.
// Where the running V8 refuses the flags (lib/lifecycle/v8-probe.ts) they are left as they were and
// main() logs why.
import { applyLeanFlags, type LeanFlags, type Probed } from './v8-probe.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--optimizer');
const mode = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--optimizer='))?.slice('--optimizer='.length);

/** The outcome of setting the lean flags at start-up (undefined with `--optimizer on`). */
export const earlyLeanFlags: Probed<LeanFlags> | undefined = mode !== 'on' ? applyLeanFlags() : undefined;
