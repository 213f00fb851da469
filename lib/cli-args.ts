import { parseArgs } from 'node:util';
import { DEFAULT_HISTORY_MS } from './history/history.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './server.js';
import type { SecurityInput } from './security/options.js';

export interface CliConfig {
  help: boolean;
  version: boolean;
  quiet: boolean;
  host: string;
  port: number;
  intervalMs: number;
  lingerMs: number;
  /** How far back /api/history reaches, ms (0 = keep none). */
  historyMs: number;
  processLimit: number;
  exposeCommandLine: boolean;
  includeNetworkFs: boolean;
  /** Seconds without any client before the process exits; undefined = never. */
  idleExitSeconds: number | undefined;
  exitWithParent: boolean;
  security: SecurityInput;
}

export const USAGE = `Usage: widgets-service [port] [options]

Streams live system telemetry (CPU, memory, GPU, disk, network, processes) over REST and WebSocket.

Arguments:
  port                     port to listen on (default ${DEFAULT_PORT}); same as --port

Options:
  -p, --port <n>           port to listen on, 0 for any free port (default ${DEFAULT_PORT})
  -H, --host <addr>        address to bind (default ${DEFAULT_HOST}, loopback only)
  -i, --interval <time>    sampling interval: 2000, 2000ms or 2s (default 2s, 100ms..1h)
      --linger <time>      keep collecting this long after the last client leaves (default 5s)
      --history <time>     how far back /api/history and the dashboard reach (default 10m, 0 = off)
      --process-limit <n>  how many AI/ML processes /api/stats/processes lists (default 25)
      --expose-command-line  include each process's full command line (off: they carry secrets)
      --include-network-fs list NFS/SMB/FUSE mounts too (each probed with a timeout)
      --idle-exit <secs>   exit when no client has connected or read for this long
      --no-exit-with-parent  keep running when the process that started this one dies

Security (see README "Security"):
      --token <secret>     require "Authorization: Bearer <secret>" (or WIDGETS_TOKEN); needed
                           to listen on anything but loopback
      --allow-origin <o>   also accept browser pages from this origin (repeatable; wildcards
                           like https://*.example.com or http://host:*)
      --allow-host <name>  also accept this Host header name, e.g. behind a proxy (repeatable)
      --no-null-origin     refuse "Origin: null" (Electron file:// pages send it)
      --rate-limit <n>     requests per second per client address (default 20)
      --rate-burst <n>     requests a client may make at once (default 40)
      --max-ws-clients <n> concurrent WebSocket clients (default 64)

  -q, --quiet              do not log
  -h, --help               show this help
  -v, --version            print the version`;

export class UsageError extends Error {}

export function parseCli(argv: string[]): CliConfig {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string', short: 'H' },
        interval: { type: 'string', short: 'i' },
        linger: { type: 'string' },
        history: { type: 'string' },
        'process-limit': { type: 'string' },
        'expose-command-line': { type: 'boolean' },
        'include-network-fs': { type: 'boolean' },
        'idle-exit': { type: 'string' },
        'no-exit-with-parent': { type: 'boolean' },
        token: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        'no-null-origin': { type: 'boolean' },
        'rate-limit': { type: 'string' },
        'rate-burst': { type: 'string' },
        'max-ws-clients': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  if (positionals.length === 1 && values.port !== undefined) throw new UsageError('give the port either as an argument or with --port, not both');
  const portText = values.port ?? positionals[0];
  return {
    help: values.help ?? false,
    version: values.version ?? false,
    quiet: values.quiet ?? false,
    host: values.host ?? DEFAULT_HOST,
    port: portText === undefined ? DEFAULT_PORT : parsePort(portText),
    intervalMs: values.interval === undefined ? 2000 : parseDuration('--interval', values.interval),
    lingerMs: values.linger === undefined ? 5000 : parseDuration('--linger', values.linger),
    historyMs: values.history === undefined ? DEFAULT_HISTORY_MS : parseDuration('--history', values.history),
    processLimit: values['process-limit'] === undefined ? 25 : parseCount('--process-limit', values['process-limit']),
    exposeCommandLine: values['expose-command-line'] ?? false,
    includeNetworkFs: values['include-network-fs'] ?? false,
    idleExitSeconds: values['idle-exit'] === undefined ? undefined : parsePositive('--idle-exit', values['idle-exit']),
    exitWithParent: !(values['no-exit-with-parent'] ?? false),
    security: {
      ...(values.token !== undefined ? { token: values.token } : {}),
      ...(values['allow-origin'] ? { allowOrigins: values['allow-origin'] } : {}),
      ...(values['allow-host'] ? { allowHosts: values['allow-host'] } : {}),
      ...(values['no-null-origin'] ? { allowNullOrigin: false } : {}),
      ...(values['max-ws-clients'] !== undefined ? { maxWsClients: parseCount('--max-ws-clients', values['max-ws-clients']) } : {}),
      ...(values['rate-limit'] !== undefined || values['rate-burst'] !== undefined
        ? {
            rateLimit: {
              ...(values['rate-limit'] !== undefined ? { requestsPerSecond: parsePositive('--rate-limit', values['rate-limit']) } : {}),
              ...(values['rate-burst'] !== undefined ? { burst: parseCount('--rate-burst', values['rate-burst']) } : {}),
            },
          }
        : {}),
    },
  };
}

export function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(`invalid port "${text}": expected a number from 0 to 65535`);
  }
  return Number(text);
}

/** "2000", "2000ms", "2s", "1.5s", "1m", "1h" -> milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`invalid ${flag} "${text}": expected e.g. 2000, 2000ms, 2s or 1m`);
  const factor = m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 1;
  return Math.round(Number(m[1]) * factor);
}

function parseCount(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid ${flag} "${text}": expected a whole number`);
  return Number(text);
}

function parsePositive(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value <= 0) throw new UsageError(`invalid ${flag} "${text}": expected a number above 0`);
  return value;
}
