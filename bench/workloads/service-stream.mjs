// Workload: the service's full stats stream (all collectors), as the server runs it.
import { createMonitor } from '../../dist/lib/monitor.js';
const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 2000);
let n = 0;
createMonitor({ intervalMs }).stats$.subscribe(() => {
  if (++n === 1) process.stdout.write(`ready ${globalThis.__spawns}\n`);
  else process.stdout.write(`sample ${globalThis.__spawns}\n`);
});
