// How long this process's event loop was held, measured in the process itself, two ways:
//  - raw: perf_hooks monitorEventLoopDelay's longest delay (minus its 10 ms resolution). On a
//    machine where other processes compete for the CPU this also counts the time the OS did not run
//    us at all, which no code of ours can cause or avoid.
//  - held: the same gaps, each capped by the CPU time this process used during it
//    (process.cpuUsage(), all threads): a gap in which we used less CPU than its length was partly
//    spent waiting for a core, and code running on the loop cannot have held it longer than the
//    CPU it used. A collector that computes for 30 ms shows as >= 30 ms here whatever the load.
// Every second: "event-loop-max-ms <raw> <held>" on stderr, then both reset.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function startLoopBlockMeter(write = (line) => process.stderr.write(line)) {
  const RESOLUTION_MS = 10;
  const TICK_MS = 5;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  let held = 0;
  const tick = setInterval(() => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const gap = wall - lastWall - TICK_MS;
    const used = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    held = Math.max(held, Math.min(gap, used));
    lastWall = wall;
    lastCpu = cpu;
  }, TICK_MS);
  const report = setInterval(() => {
    write(`event-loop-max-ms ${Math.max(0, histogram.max / 1e6 - RESOLUTION_MS).toFixed(2)} ${Math.max(0, held).toFixed(2)}\n`);
    histogram.reset();
    held = 0;
  }, 1000);
  tick.unref();
  report.unref();
  return () => { clearInterval(tick); clearInterval(report); histogram.disable(); };
}
