// The real service (dist/lib: the monitor, every collector, the HTTP and WebSocket server) with
// the platform forced through the monitor's `platform` option, so that a Linux machine runs the
// code that other platforms run: the systeminformation fallback collectors (macOS and Windows have their own).
// Usage: node spec/tools/serve-as-platform.mjs <darwin|win32|freebsd> [intervalMs]
import { startServer } from '../../dist/lib/index.js';

const [platform, interval = '2000'] = process.argv.slice(2);
if (!['darwin', 'win32', 'freebsd'].includes(platform)) {
  process.stderr.write('usage: serve-as-platform.mjs <darwin|win32|freebsd> [intervalMs]\n');
  process.exit(2);
}
// Generous per-reading deadlines: this checks what the fallbacks answer, not how fast; on a busy
// machine (thousands of processes) systeminformation's process list alone can take seconds.
const server = await startServer({
  port: 0,
  monitor: { platform, intervalMs: Number(interval), lingerMs: 400, timeoutMs: 15_000, firstSampleTimeoutMs: 15_000 },
});
process.stderr.write(`${platform} collectors: listening on ${server.url}\n`);
const stop = () => server.close().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
