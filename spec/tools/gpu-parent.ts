// A stand-in service for the orphan specs: subscribes to the real gpuCollector with the fake
// nvidia-smi (env from the spec), prints "ready" after the first loop sample, then waits to be killed.
// GPU_PARENT_INTERVAL_MS sets the loop period.
import { asyncScheduler } from 'rxjs';
import { gpuCollector } from '../../lib/collectors/gpu/index.js';

// uvu loads every file under a directory it is given: only act when started as the service.
if (process.env.GPU_PARENT_SERVICE === '1') start();

function start(): void {
  const intervalMs = Number(process.env.GPU_PARENT_INTERVAL_MS || 100);
  gpuCollector(
    { intervalMs, timeoutMs: 400, primeMs: 0, scheduler: asyncScheduler, procRoot: '/proc', sysRoot: '/nonexistent-sys', platform: process.platform },
    { processIntervalMs: 0 },
  ).subscribe((s) => {
    if (s.source === 'nvidia-smi loop') process.stdout.write('ready\n');
  });
}
