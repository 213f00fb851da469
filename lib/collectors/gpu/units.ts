// Value helpers every GPU parser shares (nvidia-smi CSV and XML, rocm-smi, amd-smi, sysfs,
// systeminformation): the tools' many spellings of "no value", numbers with units, MiB, percentages.

export const MIB = 1048576;

/** `[N/A]`, `N/A`, `[Not Supported]`, `[Unknown Error]`, `N/A (Secondary die)`, empty, … */
export function isUnavailable(raw: string | null | undefined): boolean {
  if (raw === null || raw === undefined) return true;
  const v = raw.trim();
  if (v === '') return true;
  if (/^\[.*\]$/.test(v)) return true; // every bracketed word nvidia-smi prints instead of a value
  if (/^n\/?a\b/i.test(v)) return true;
  return /^(not supported|unknown error|requested functionality has been deprecated|insufficient permissions|function not found|unavailable|unknown|none)$/i.test(v);
}

/** The trimmed text, or null when the tool could not give a value. */
export function cell(raw: string | null | undefined): string | null {
  return isUnavailable(raw) ? null : raw!.trim();
}

/** A number with an optional unit (`81559 MiB`, `433.78 W`, `100 %`, `27 C`, `(1200Mhz)`), or null. */
export function parseNumber(raw: string | null | undefined): number | null {
  const v = cell(raw);
  if (v === null) return null;
  const m = /^\(?\s*(-?\d+(?:\.\d+)?)\s*(?:%|[a-z/]+)?\s*\)?$/i.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : null;
}

/** MiB (what the tools print) to whole bytes (what the service sends). */
export function mibToBytes(mib: number | null | undefined): number | null {
  return mib === null || mib === undefined || !Number.isFinite(mib) ? null : Math.round(mib * MIB);
}

/** `used` as a percentage of `total`, two decimals; null when either is unknown or total is 0. */
export function percentOf(used: number | null, total: number | null): number | null {
  if (used === null || total === null || total <= 0) return null;
  return Math.round((used / total) * 10000) / 100;
}

/**
 * Free memory derived as total − used, for the back-ends that report no free figure of their own
 * (amdgpu sysfs, rocm-smi, older amd-smi). nvidia-smi's own `free` is never derived this way: it
 * counts reserved memory apart.
 */
export function freeOf(total: number | null, used: number | null): number | null {
  return total !== null && used !== null ? Math.max(0, total - used) : null;
}
