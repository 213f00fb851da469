// Imported first by cli.ts, so it runs before any other module of the service is evaluated: V8's
// compilers are off from the first line unless `--optimizer on` was given. Anything that
// got hot while the rest loaded would otherwise pull in the compiler's memory (lib/lifecycle/
// optimizer.ts) before main() could say no. main() applies the parsed flag again and watches.
import { setFlagsFromString } from 'node:v8';
import { LEAN_V8_FLAGS } from './v8-flags.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--optimizer');
const mode = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--optimizer='))?.slice('--optimizer='.length);
if (mode !== 'on') setFlagsFromString(LEAN_V8_FLAGS);
