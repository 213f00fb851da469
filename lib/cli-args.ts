import { parseArgs } from 'node:util';
import { DEFAULT_HOST, DEFAULT_PORT } from './server.js';

export interface CliConfig {
  help: boolean;
  version: boolean;
  quiet: boolean;
  host: string;
  port: number;
  intervalMs: number;
  lingerMs: number;
  processLimit: number;
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
      --process-limit <n>  how many AI/ML processes /api/stats/processes lists (default 25)
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
        'process-limit': { type: 'string' },
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
    processLimit: values['process-limit'] === undefined ? 25 : parseCount('--process-limit', values['process-limit']),
  };
}

export function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(`invalid port "${text}": expected a number from 0 to 65535`);
  }
  return Number(text);
}

/** "2000", "2000ms", "2s", "1.5s", "1m" -> milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`invalid ${flag} "${text}": expected e.g. 2000, 2000ms, 2s or 1m`);
  const factor = m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1;
  return Math.round(Number(m[1]) * factor);
}

function parseCount(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid ${flag} "${text}": expected a whole number`);
  return Number(text);
}
