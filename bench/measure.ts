// CPU and memory of running systems over one window, all measured at the same time so that the
// machine's noise (shared cores) falls on every one of them alike.
import { descendants, median, rssBytes, treeCpuSeconds } from './proc-usage.js';
import { sleep, type Running } from './systems.js';

export interface Window {
  /** CPU of the process and all its descendants (reaped and live), % of one core. */
  cpuPercent: number;
  /** RSS of the process itself, MiB: median over the window and at its end. */
  rssMiB: number;
  rssEndMiB: number;
  /** RSS of the process and its live descendants (a resident tool child), MiB, median. */
  treeRssMiB: number;
  /** Readings delivered during the window, where the system lets us count them. */
  samples: number | undefined;
  seconds: number;
}

export async function measureTogether(systems: readonly Running[], seconds: number): Promise<Map<string, Window>> {
  const cpu0 = new Map(systems.map((s) => [s.name, safe(() => treeCpuSeconds(s.pid))]));
  const samples0 = new Map(systems.map((s) => [s.name, s.samples()]));
  const rss = new Map<string, number[]>(systems.map((s) => [s.name, []]));
  const treeRss = new Map<string, number[]>(systems.map((s) => [s.name, []]));
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(500);
    for (const s of systems) {
      const own = safe(() => rssBytes(s.pid));
      rss.get(s.name)!.push(own);
      treeRss.get(s.name)!.push(own + descendants(s.pid).reduce((sum, pid) => sum + safe(() => rssBytes(pid)), 0));
    }
  }
  const elapsed = (performance.now() - t0) / 1000;
  const out = new Map<string, Window>();
  for (const s of systems) {
    const cpu = safe(() => treeCpuSeconds(s.pid)) - cpu0.get(s.name)!;
    const r = rss.get(s.name)!.filter((x) => x > 0);
    const before = samples0.get(s.name);
    const now = s.samples();
    out.set(s.name, {
      cpuPercent: (cpu / elapsed) * 100,
      rssMiB: median(r) / 2 ** 20,
      rssEndMiB: (r.at(-1) ?? 0) / 2 ** 20,
      treeRssMiB: median(treeRss.get(s.name)!) / 2 ** 20,
      samples: before === undefined || now === undefined ? undefined : now - before,
      seconds: elapsed,
    });
  }
  return out;
}

function safe(read: () => number): number {
  try {
    return read();
  } catch {
    return 0;
  }
}
