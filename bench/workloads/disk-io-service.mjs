// Workload: the built library's server with one WebSocket reader, as widgets-service runs, except
// that BENCH_DISK_IO=off gives its disk collector no I/O source: the disk path before disk I/O
// (mountinfo + statfs only, I/O fields null). Everything else is the same in both processes.
// Prints `ready`, then `sample` per stats message.
import { WebSocket } from 'ws';
import { startServer } from '../../dist/lib/index.js';
import { diskCollector, DISK_PLACEHOLDER } from '../../dist/lib/collectors/disk.js';

const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 2000);
const withIo = process.env.BENCH_DISK_IO !== 'off';
const server = await startServer({
  port: 0,
  monitor: {
    intervalMs,
    collectors: withIo ? {} : { disk: { create: (ctx) => diskCollector(ctx, { ioSource: null }), placeholder: DISK_PLACEHOLDER } },
  },
});
const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/stats`);
ws.on('message', () => process.stdout.write('sample\n'));
ws.on('open', () => process.stdout.write('ready\n'));
process.on('SIGTERM', async () => {
  ws.close();
  await server.close();
  process.exit(0);
});
