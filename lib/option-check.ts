// One way to validate an option, for the library and the CLI alike: the same error class and the
// same wording, naming the option as the caller knows it (`intervalMs` in code, `--interval` on
// the command line).

/** A bad option value. The message names the option, what it must be, and what it got. */
export class OptionError extends RangeError {
  override name = 'OptionError';
}

function got(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A whole number in [min, max]. */
export function checkWhole(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionError(`${name} must be a whole number from ${min} to ${max}, got ${got(value)}`);
  }
  return value;
}

/** A number above 0 and at most max. */
export function checkPositive(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new OptionError(`${name} must be a number above 0 and at most ${max}, got ${got(value)}`);
  }
  return value;
}

/** A number of milliseconds in [min, max], rounded to a whole millisecond. */
export function checkMs(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new OptionError(`${name} must be a number of milliseconds from ${min} to ${max}, got ${got(value)}`);
  }
  return Math.round(value);
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new OptionError(`${name} must be true or false, got ${got(value)}`);
  return value;
}
