// How long this process's event loop was held, measured in the process itself, two ways:
//  - raw: perf_hooks monitorEventLoopDelay's longest delay (minus its 10 ms resolution). On a
//    machine where other processes compete for the CPU this also counts the time the OS did not run
//    us at all, which no code of ours can cause or avoid.
//  - held: the gaps of a 5 ms timer, each capped by the CPU time the main thread (the one running
//    the loop) was on a core during it. A gap in which the main thread ran less than its length was
//    partly spent waiting for a core, and code on the loop cannot have held it longer than it ran.
//    On Linux the main thread's own time comes from /proc/thread-self/schedstat, so GC helper
//    threads and libuv's pool (statfs, file reads) do not count; elsewhere it is the whole process's
//    CPU (an overestimate, never an under-). A collector that computes for 30 ms shows as about
//    30 ms here whatever the load.
// startLoopBlockMeter(): every second "event-loop-max-ms <raw> <held>" on stderr, then both reset.
// watchLoopHeld(): the longest held stretch (and its gap) until stop().
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const TICK_MS = 5;

function mainThreadCpuMs() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  }
}

/** Calls onGap(heldMs, gapMs) for every tick of a 5 ms timer; returns a function that stops it. */
function watchGaps(onGap) {
  let lastWall = performance.now();
  let lastCpu = mainThreadCpuMs();
  const tick = setInterval(() => {
    const wall = performance.now();
    const cpu = mainThreadCpuMs();
    const gap = wall - lastWall - TICK_MS;
    onGap(Math.max(0, Math.min(gap, cpu - lastCpu)), gap);
    lastWall = wall;
    lastCpu = cpu;
  }, TICK_MS);
  tick.unref();
  return () => clearInterval(tick);
}

export function watchLoopHeld() {
  let longest = { heldMs: 0, gapMs: 0 };
  const stop = watchGaps((heldMs, gapMs) => { if (heldMs > longest.heldMs) longest = { heldMs, gapMs }; });
  return { stop: () => { stop(); return longest; } };
}

export function startLoopBlockMeter(write = (line) => process.stderr.write(line)) {
  const RESOLUTION_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let held = 0;
  const stopGaps = watchGaps((heldMs) => { held = Math.max(held, heldMs); });
  const report = setInterval(() => {
    write(`event-loop-max-ms ${Math.max(0, histogram.max / 1e6 - RESOLUTION_MS).toFixed(2)} ${held.toFixed(2)}\n`);
    histogram.reset();
    held = 0;
  }, 1000);
  report.unref();
  return () => { stopGaps(); clearInterval(report); histogram.disable(); };
}
