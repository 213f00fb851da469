// Workload: the plain systeminformation loop a straightforward implementation would run.
import si from 'systeminformation';
const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 2000);
let n = 0;
async function tick() {
  await Promise.all([si.currentLoad(), si.cpuCurrentSpeed(), si.cpuTemperature(), si.mem(), si.fsSize(), si.networkStats('*'), si.processes()]);
  process.stdout.write(`${++n === 1 ? 'ready' : 'sample'} ${globalThis.__spawns}\n`);
}
await tick();
setInterval(tick, intervalMs);
