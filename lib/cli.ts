#!/usr/bin/env node
import { parseCli, UsageError, USAGE } from './cli-args.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<void> {
  const config = parseCli(argv);
  if (config.help) return void process.stdout.write(USAGE + '\n');
  if (config.version) return void process.stdout.write(VERSION + '\n');
  const logger = createLogger({ quiet: config.quiet });
  const running = await startServer({
    host: config.host,
    port: config.port,
    logger,
    monitor: { intervalMs: config.intervalMs, lingerMs: config.lingerMs, processes: { limit: config.processLimit } },
  });
  logger.info(`widgets-service ${VERSION} listening on ${running.url} (REST /api/stats, WebSocket /ws/stats)`);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`${signal}: shutting down`);
    // Never hang on shutdown: whatever is still open after 2 s is abandoned.
    setTimeout(() => process.exit(0), 2000).unref();
    running.close().then(() => process.exit(0), () => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`widgets-service: ${message}\n`);
  if (error instanceof UsageError) process.stderr.write('Try "widgets-service --help".\n');
  process.exit(error instanceof UsageError ? 2 : 1);
});
