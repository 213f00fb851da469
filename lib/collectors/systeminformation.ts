import type si from 'systeminformation';

export type Systeminformation = typeof si;

let loading: Promise<Systeminformation> | undefined;

/**
 * systeminformation, loaded on first use. On Linux every collector reads /proc, /sys and statfs
 * itself, so the library (about 4 MB of heap and its ~40 modules) is never loaded there unless a
 * back-end really needs it (the GPU fallback's graphics()).
 */
export function systeminformation(): Promise<Systeminformation> {
  loading ??= import('systeminformation').then((m) => ((m as { default?: Systeminformation }).default ?? m) as Systeminformation);
  return loading;
}
