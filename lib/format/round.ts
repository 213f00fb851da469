/** Percentages and rates are sent with two decimals: finer digits are noise, and they bloat every message. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
