// What every collector emits: the value plus how it was obtained, so health and
// placeholders are carried in the stream instead of a shared mutable object.
import { oneLine } from '../format/one-line.js';

export interface Sample<T> {
  value: T;
  /** false when this value is a placeholder or the last good value kept after a failure. */
  ok: boolean;
  /** One line saying why, when ok is false. */
  error?: string;
  /** Which back-end produced it ('procfs', 'systeminformation', 'nvidia-smi loop', …). */
  source?: string;
  /** Epoch ms when the sample was taken. */
  at: number;
  /** How long the sample took, ms. */
  durationMs?: number;
  /** Parts a good reading left out, each with why (shown in /api/health). */
  skipped?: string[];
  /**
   * Taken at a point of the interval grid (poll()). Readings without it (a loop child on its own
   * clock, a collector that reported once and stopped, a placeholder) are never waited for: each
   * message carries their latest value.
   */
  onGrid?: boolean;
}

export interface SampleResult<T> {
  value: T;
  source: string;
  skipped?: string[];
}

export function okSample<T>(result: SampleResult<T>, at: number, durationMs: number): Sample<T> {
  const sample: Sample<T> = { value: result.value, ok: true, source: result.source, at, durationMs };
  if (result.skipped) sample.skipped = result.skipped;
  return sample;
}

export function errorSample<T>(value: T, error: unknown, at: number, source?: string): Sample<T> {
  return { value, ok: false, error: oneLine(error), at, ...(source ? { source } : {}) };
}
