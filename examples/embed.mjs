// Embedding widgets-service in your own Node app: read the live streams, then serve them.
// Run from a clone after `npm ci`:  node examples/embed.mjs
import { take } from 'rxjs';
import { createMonitor, createServer } from 'widgets-service';

const monitor = createMonitor({ intervalMs: 1000, processes: { limit: 5 } });

// 1. Subscribe to one topic: only the CPU collector runs.
await new Promise((resolve) => {
  monitor.cpu$.pipe(take(2)).subscribe({
    next: (cpu) => console.log(`cpu ${cpu.usage.toFixed(1)}% on ${cpu.cores} cores at ${cpu.frequency} MHz`),
    complete: resolve,
  });
});

// 2. One-off reads.
const memory = await monitor.snapshot('memory');
console.log(`memory ${(memory.used / 2 ** 30).toFixed(1)} of ${(memory.total / 2 ** 30).toFixed(1)} GiB`);

// 3. Serve the same monitor over REST and WebSocket (port 0 = any free port).
const server = await createServer(monitor, { port: 0 });
const stats = await (await fetch(`${server.url}/api/stats`)).json();
console.log(`served ${server.url}/api/stats: ${stats.gpu.length} GPU(s), ${stats.disk.length} filesystem(s), ${stats.processes.length} AI/ML process(es)`);

// 4. Close everything: the process then exits by itself.
await server.close();
monitor.close();
console.log('closed');
