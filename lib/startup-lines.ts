// What the service tells a person at start-up, as pure text: where the dashboard is, which GPUs
// it found and through what, and that it will exit with the process that started it.
import { readFileSync } from 'node:fs';
import type { GpuStats } from './types.js';

const VENDORS = [['nvidia', 'NVIDIA'], ['amd', 'AMD']] as const;

/** `GPU: 1 × NVIDIA GeForce RTX 4080 SUPER via nvidia-smi loop · AMD: none`, or why none was found. */
export function describeGpus(gpus: readonly GpuStats[], source: string | undefined, reason: string | undefined): string {
  const missing = VENDORS.filter(([v]) => !gpus.some((g) => g.vendor === v)).map(([, label]) => `${label}: none`);
  if (gpus.length === 0) {
    if (reason) return `GPU: none found (${reason})`;
    if (source === 'systeminformation') return 'GPU: none found (no nvidia-smi, amdgpu driver, rocm-smi or amd-smi, and the OS lists no adapter)';
    return `GPU: none found${source ? ` via ${source}` : ''}`;
  }
  const counts = new Map<string, number>();
  for (const g of gpus) counts.set(g.name, (counts.get(g.name) ?? 0) + 1);
  const found = [...counts].map(([name, n]) => `${n} × ${name}`).join(', ');
  return [`GPU: ${found}${source ? ` via ${source}` : ''}`, ...missing].join(' · ');
}

/** `will exit when its parent process electron (pid 4242) exits; …` */
export function describeParentExit(pid: number, name: string | undefined): string {
  return `will exit when its parent process ${name ? `${name} (pid ${pid})` : `(pid ${pid})`} exits; start with --no-exit-with-parent to keep running`;
}

/** The parent's process name where the OS tells it cheaply (Linux /proc), else undefined. */
export function processName(pid: number, procRoot = '/proc'): string | undefined {
  try {
    return readFileSync(`${procRoot}/${pid}/comm`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
