// Asks the running V8 whether the lean-memory tricks work here, without a step that can crash it.
// `npm start` runs the bundle on whatever Node the user has; Node documents natives syntax as "may
// result in unpredictable behavior, including crashes", and flags set at run time as unsupported.
// What each probe does instead of trusting:
// - flags: a V8 that froze its flags (`--freeze-flags-after-init`) aborts the process on the first
//   setFlagsFromString (a CHECK, not an exception), so that is read from the options it started
//   with before any flag is set; an unknown flag is ignored with a line on stderr, so the effect is
//   checked: after the lean flags a function must be one V8 will never optimize (its
//   OptimizationStatus), else the flags are put back and the trick is off.
// - natives: %CollectGarbage is compiled once; a V8 that refuses (no natives syntax, a renamed
//   runtime function, a changed arity, code generation from strings disallowed) throws at compile
//   time, which turns the heap trim off.
import { setFlagsFromString } from 'node:v8';
import { oneLine } from '../format/one-line.js';
import { DEFAULT_V8_FLAGS, LEAN_V8_FLAGS } from './v8-flags.js';

export type Probed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ProbeHooks {
  setFlags?: (flags: string) => void;
  /** The options V8 was started with (process.execArgv and NODE_OPTIONS). */
  startOptions?: readonly string[];
}

/** The flag pair the optimizer switches between, as this V8 needs them. */
export interface LeanFlags {
  lean: string;
  normal: string;
}

// V8's OptimizationStatus bits (src/runtime/runtime-test.cc).
const IS_FUNCTION = 1 << 0;
const NEVER_OPTIMIZE = 1 << 1;

/** Flags that V8 froze at start-up: a later setFlagsFromString would abort the process. */
export function flagsFrozen(startOptions: readonly string[] = nodeStartOptions()): boolean {
  let frozen = false;
  for (const option of startOptions) {
    if (/^--freeze[-_]flags[-_]after[-_]init$/.test(option)) frozen = true;
    if (/^--no[-_]freeze[-_]flags[-_]after[-_]init$/.test(option)) frozen = false;
  }
  return frozen;
}

/** `SyntaxError: ` and the like: which kind of refusal it was. */
export function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ` : '';
}

function nodeStartOptions(): string[] {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)];
}

/** Compiles `body` with natives syntax allowed for that one compilation. */
export function compileNatives<F extends (...args: never[]) => unknown>(params: readonly string[], body: string, hooks: ProbeHooks = {}): Probed<F> {
  const setFlags = hooks.setFlags ?? setFlagsFromString;
  if (flagsFrozen(hooks.startOptions)) return { ok: false, reason: 'V8 flags are frozen (--freeze-flags-after-init)' };
  setFlags('--allow-natives-syntax');
  try {
    return { ok: true, value: new Function(...params, body) as F };
  } catch (error) {
    return { ok: false, reason: `V8 refused ${body.replace(/^return /, '')}: ${errorName(error)}${oneLine(error)}` };
  } finally {
    setFlags('--no-allow-natives-syntax');
  }
}

/**
 * Sets the lean flags and checks that they took effect: V8 must then never optimize. Where
 * Maglev (Node 24's V8 tiers up through it) keeps optimizing with TurboFan off, it is turned off too
 * and back on with the others. On refusal the flags are put back and the reason returned.
 */
export function applyLeanFlags(hooks: ProbeHooks = {}): Probed<LeanFlags> {
  const setFlags = hooks.setFlags ?? setFlagsFromString;
  const status = compileNatives<(f: () => void) => number>(['f'], 'return %GetOptimizationStatus(f)', hooks);
  if (!status.ok) return { ok: false, reason: `cannot check V8's flags: ${status.reason}` };
  const probe = () => {};
  const neverOptimizes = () => {
    try {
      const bits = status.value(probe);
      return typeof bits === 'number' && (bits & IS_FUNCTION) !== 0 && (bits & NEVER_OPTIMIZE) !== 0;
    } catch {
      return false;
    }
  };
  setFlags(LEAN_V8_FLAGS);
  if (neverOptimizes()) return { ok: true, value: { lean: LEAN_V8_FLAGS, normal: DEFAULT_V8_FLAGS } };
  setFlags('--no-maglev');
  if (neverOptimizes()) return { ok: true, value: { lean: `${LEAN_V8_FLAGS} --no-maglev`, normal: `${DEFAULT_V8_FLAGS} --maglev` } };
  setFlags(`${DEFAULT_V8_FLAGS} --maglev`);
  return { ok: false, reason: `V8 ${process.versions.v8} still optimizes with ${LEAN_V8_FLAGS} --no-maglev` };
}
