// Sizes as macOS tools print them when a number does not fit its column: top's "3408K", "8920M",
// "40G", vm_stat's "5919477K". Both use binary multiples (humanize_number without HN_DIVISOR_1000;
// top's own formatter divides by 1024). top marks a change since the last sample with a trailing
// '+' or '-', which is not part of the number.
const MULTIPLIERS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 };

/** "3408K" → 3489792, "0B" → 0, "12" → 12; undefined when it is not such a number. */
export function parseScaled(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([BKMGTP]?)[+-]?$/.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * MULTIPLIERS[m[2]!]!);
}

/** The granularity of a scaled number: 1 for a plain count, 1024³ for "40G" (how coarse the figure is). */
export function scaleOf(text: string): number {
  const m = /([BKMGTP]?)[+-]?$/.exec(text.trim());
  return MULTIPLIERS[m?.[1] ?? ''] ?? 1;
}
