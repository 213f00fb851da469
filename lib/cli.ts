#!/usr/bin/env node
import { earlyLeanFlags } from './lifecycle/optimizer-early.js';
import { oneLine } from './format/one-line.js';
import { parseCli, readTlsFiles, UsageError, usage } from './cli-args.js';
import { trimHeapPeriodically } from './lifecycle/heap-trim.js';
import { manageOptimizer } from './lifecycle/optimizer.js';
import { applyLeanFlags } from './lifecycle/v8-probe.js';
import { watchParent } from './lifecycle/parent-watch.js';
import { createLogger, type Logger } from './log.js';
import type { Monitor } from './monitor.js';
import { filter, firstValueFrom, of, timeout } from 'rxjs';
import { startServer } from './server.js';
import { describeGpus, describeParentExit, processName } from './startup-lines.js';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<void> {
  const config = parseCli(argv);
  if (config.help) return void process.stdout.write(usage() + '\n');
  if (config.version) return void process.stdout.write(VERSION + '\n');
  const logger = createLogger({ quiet: config.quiet });
  // The lean V8 flags are already set (optimizer-early.ts, the first import); this applies the parsed
  // --optimizer and, in auto, watches for load (lib/lifecycle/optimizer.ts).
  const leanFlags = config.optimizer === 'on' ? undefined : earlyLeanFlags ?? applyLeanFlags();
  if (leanFlags && !leanFlags.ok) logger.info(`lean start off, V8's compilers stay on (as --optimizer on): ${leanFlags.reason}`);
  const stopOptimizerWatch = leanFlags?.ok
    ? manageOptimizer(config.optimizer, undefined, {
      flags: leanFlags.value,
      onEnabled: (share) => logger.info(`busy (${(share * 100).toFixed(1)} % CPU over the last 2 s): V8's compilers are on from now`),
    })
    : () => {};
  // Garbage does not pile up in the old generation between V8's own collections (heap-trim.ts).
  const stopHeapTrim = trimHeapPeriodically({ onRefused: (reason) => logger.info(`heap trim off: ${reason}`) });
  // A bug in one handler, socket or collector is logged (once per minute) and the service goes on.
  process.on('uncaughtException', (error) => logger.warnOnce(`uncaught:${oneLine(error)}`, `unexpected error (service continues): ${oneLine(error)}`));
  process.on('unhandledRejection', (error) => logger.warnOnce(`unhandled:${oneLine(error)}`, `unexpected error (service continues): ${oneLine(error)}`));

  let closing = false;
  let close: () => Promise<void> = async () => {};
  const shutdown = (why: string) => {
    if (closing) return;
    closing = true;
    stopOptimizerWatch();
    stopHeapTrim();
    logger.info(`${why}: shutting down`);
    // Never hang on shutdown: whatever is still open after 2 s is abandoned.
    setTimeout(() => process.exit(0), 2000).unref();
    close().then(() => process.exit(0), () => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));

  const running = await startServer({
    host: config.host,
    port: config.port,
    logger,
    security: config.security,
    webSocket: config.webSocket,
    metrics: { perPid: config.metricsPerPid },
    ...(config.tlsFiles ? { tls: readTlsFiles(config.tlsFiles) } : {}),
    ...(config.idleExitSeconds !== undefined
      ? { idleExitMs: config.idleExitSeconds * 1000, onIdle: () => shutdown(`no client for ${config.idleExitSeconds} s (--idle-exit)`) }
      : {}),
    monitor: {
      intervalMs: config.intervalMs,
      lingerMs: config.lingerMs,
      historyMs: config.historyMs,
      processes: { limit: config.processLimit, exposeCommandLine: config.exposeCommandLine },
      includeNetworkFilesystems: config.includeNetworkFs,
      ...(config.platform ? { platform: config.platform } : {}),
      logger,
    },
  });
  close = running.close;
  if (config.exitWithParent) watchParent(() => shutdown('the parent process died'));
  logger.info(`widgets-service ${VERSION} listening on ${running.url} (REST /api/stats, WebSocket /ws/stats)`);
  logger.info(`dashboard: ${running.url}/`);
  if (config.exitWithParent) logger.info(describeParentExit(process.ppid, processName(process.ppid)));
  if (!config.quiet) void reportGpus(running.monitor, logger);
}

/** One line saying which GPUs were found, once the first good GPU reading is in (it never delays serving). */
async function reportGpus(monitor: Monitor, logger: Logger): Promise<void> {
  const firstGood = monitor.gpu$.pipe(filter(() => monitor.health().gpu.state === 'ok'), timeout({ first: 5000, with: () => of([]) }));
  const gpus = await firstValueFrom(firstGood, { defaultValue: [] });
  const { source, reason } = monitor.health().gpu;
  logger.info(describeGpus(gpus, source, reason));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`widgets-service: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write('Try "widgets-service --help".\n');
  process.exit(error instanceof UsageError ? 2 : 1);
});
