// The real service (dist/lib) with its platform forced to macOS, for spec/e2e/darwin-stand-ins.spec.ts
// and bench: the darwin collectors start whatever `top`, `vm_stat`, `netstat`, `ioreg`, `sysctl` and
// `mount` come first on PATH (the stand-ins in spec/stand-ins). It also watches its own event loop
// (loop-block-meter.mjs, in this process, which runs the collectors): once a second
// "event-loop-max-ms <raw> <held>" on stderr.
// Usage: node spec/tools/serve-darwin.mjs [intervalMs] [platform, default darwin]
import { startServer } from '../../dist/lib/index.js';
import { startLoopBlockMeter } from './loop-block-meter.mjs';

const interval = Number(process.argv[2] ?? 2000);
const platform = process.argv[3] ?? 'darwin';
startLoopBlockMeter();

const server = await startServer({
  port: 0,
  monitor: { platform, intervalMs: interval, lingerMs: 400 },
});
process.stderr.write(`${platform} collectors: listening on ${server.url}\n`);
const stop = () => server.close().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
