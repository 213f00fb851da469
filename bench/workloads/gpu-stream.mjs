// Workload: the GPU collector alone, with whatever nvidia-smi is first on PATH (the bench puts the
// stand-in there, in loop mode or refusing it).
import { createMonitor } from '../../dist/lib/monitor.js';
const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 2000);
let n = 0;
createMonitor({ intervalMs, gpu: { vendor: 'nvidia' } }).gpu$.subscribe((gpus) => {
  if (gpus.length === 0) return;
  process.stdout.write(`${++n === 1 ? 'ready' : 'sample'} ${globalThis.__spawns}\n`);
});
