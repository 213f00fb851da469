// `sysctl vm.swapusage` (or -n): "vm.swapusage: total = 2048.00M  used = 1017.50M  free = 1030.50M  (encrypted)".
// The sizes are binary (M = MiB, G = GiB), two decimals.

export interface SwapUsage {
  total: number;
  used: number;
}

const MULT: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

export function parseSwapUsage(text: string): SwapUsage {
  const field = (name: string): number => {
    const m = new RegExp(`${name}\\s*=\\s*(\\d+(?:[.,]\\d+)?)([BKMGT])`).exec(text);
    if (!m) throw new Error(`sysctl vm.swapusage: no ${name} in ${JSON.stringify(text.trim().slice(0, 100))}`);
    return Math.round(Number(m[1]!.replace(',', '.')) * MULT[m[2]!]!);
  };
  return { total: field('total'), used: field('used') };
}
