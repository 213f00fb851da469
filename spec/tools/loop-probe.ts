// Run by spec/platform/win32/event-loop.spec.ts in a process of its own (so that garbage left by
// other spec files is not collected during the measurement): the monitor with the win32
// collectors and every topic, then prints one JSON line with how long its own work held the loop (loop-block-meter.mjs).
// Usage: node --import tsx spec/tools/loop-probe.ts <platform> <intervalMs> <ticks>
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { firstValueFrom, take, toArray } from 'rxjs';
import { createMonitor } from '../../lib/monitor.js';
import { watchLoopHeld } from './loop-block-meter.mjs';

const [platform = 'win32', interval = '250', count = '12'] = process.argv.slice(2);

const monitor = createMonitor({ platform: platform as NodeJS.Platform, intervalMs: Number(interval), lingerMs: 0 });
const histogram = monitorEventLoopDelay({ resolution: 5 });
// One subscriber for the whole run (as a WebSocket client would be), so collection never pauses.
const client = monitor.stats$.subscribe();
// Two warm-up ticks: module loading and the agent's start are not steady state.
await firstValueFrom(monitor.stats$.pipe(take(2)));
histogram.enable();
const watch = watchLoopHeld();
const ticks = await firstValueFrom(monitor.stats$.pipe(take(Number(count)), toArray()));
const longest = watch.stop();
histogram.disable();
const health = monitor.health();
client.unsubscribe();
monitor.close();
process.stdout.write(`${JSON.stringify({
  ticks: ticks.length,
  interfaces: ticks[ticks.length - 1]?.network.interfaces.length ?? 0,
  health,
  blockedMs: longest.heldMs,
  gapMs: longest.gapMs,
  delayMaxMs: histogram.max / 1e6,
  delayP99Ms: histogram.percentile(99) / 1e6,
})}\n`);
process.exit(0);
