// The command line: one table of flags, from which both the parser's configuration and --help are
// built; every number in the help comes from lib/defaults.ts. Values are checked here with the
// library's validators, so an error names the flag (`--interval`), not the option (`intervalMs`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HTTP_DEFAULTS, SERVICE_DEFAULTS, WS_DEFAULTS, formatDuration } from './defaults.js';
import { checkMs, checkPositive, checkWhole, OptionError } from './option-check.js';
import { OPTIMIZER_MODES, type OptimizerMode } from './lifecycle/optimizer.js';
import type { SecurityInput } from './security/options.js';
import type { TlsOptions } from './server.js';
import type { StatsSocketOptions } from './ws/socket-options.js';

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
  /** GET /metrics: one series per process (pid label) instead of one per process name. */
  metricsPerPid: boolean;
  includeNetworkFs: boolean;
  /** Seconds without any client before the process exits; undefined = never. */
  idleExitSeconds: number | undefined;
  exitWithParent: boolean;
  /** When V8's optimizing compiler runs (lib/lifecycle/optimizer.ts). */
  optimizer: OptimizerMode;
  security: SecurityInput;
  webSocket: StatsSocketOptions;
  /** PEM files for HTTPS/WSS (both or neither). */
  tlsFiles: { cert: string; key: string } | undefined;
  /** Hidden (not in --help): run another platform's collectors, for specs with stand-in tools. */
  platform: NodeJS.Platform | undefined;
}

/** A mistake on the command line: exit code 2 and a pointer to --help. */
export class UsageError extends OptionError {
  override name = 'UsageError';
}

interface Flag {
  long: string;
  short?: string;
  /** Placeholder of the value; absent for a switch. */
  arg?: string;
  multiple?: boolean;
  help: string;
  section: 'Options' | 'Security (see README "Security")' | 'Other';
  /** Parsed but left out of --help (for specs). */
  hidden?: boolean;
}

const S = SERVICE_DEFAULTS;

/** The platforms whose collectors can run here with stand-ins (--platform). */
export const PLATFORMS = ['linux', 'darwin', 'win32'] as const;
const range = `${formatDuration(S.minIntervalMs)}..${formatDuration(S.maxIntervalMs)}`;

export const FLAGS: readonly Flag[] = [
  { long: 'port', short: 'p', arg: '<n>', section: 'Options', help: `port to listen on, 0 for any free port (default ${S.port})` },
  { long: 'host', short: 'H', arg: '<addr>', section: 'Options', help: `address to bind (default ${S.host}, loopback only)` },
  { long: 'interval', short: 'i', arg: '<time>', section: 'Options', help: `sampling interval: 2000, 2000ms or 2s (default ${formatDuration(S.intervalMs)}, ${range})` },
  { long: 'linger', arg: '<time>', section: 'Options', help: `keep collecting this long after the last client leaves (default ${formatDuration(S.lingerMs)})` },
  { long: 'history', arg: '<time>', section: 'Options', help: `how far back /api/history and the dashboard reach (default ${formatDuration(S.historyMs)}, 0 = off)` },
  { long: 'process-limit', arg: '<n>', section: 'Options', help: `how many AI/ML processes /api/stats/processes lists (default ${S.processLimit})` },
  { long: 'expose-command-line', section: 'Options', help: "include each process's full command line (off: they carry secrets)" },
  { long: 'metrics-per-pid', section: 'Options', help: 'GET /metrics: one series per AI/ML process (pid label) instead of one per process name (off: pids churn on a fleet)' },
  { long: 'include-network-fs', section: 'Options', help: 'list NFS/SMB/FUSE mounts too (each probed with a timeout)' },
  { long: 'idle-exit', arg: '<secs>', section: 'Options', help: 'exit when no client has connected or read for this long' },
  { long: 'no-exit-with-parent', section: 'Options', help: 'keep running when the process that started this one dies' },
  { long: 'optimizer', arg: '<mode>', section: 'Options', help: "V8's compilers beyond its interpreter: auto (off until the service is busy: about 6 MiB less memory), on, off (default auto)" },
  { long: 'token', arg: '<secret>', section: 'Security (see README "Security")', help: 'require "Authorization: Bearer <secret>" (or WIDGETS_TOKEN); needed to listen on anything but loopback' },
  { long: 'tls-cert', arg: '<file>', section: 'Security (see README "Security")', help: 'serve HTTPS and WSS with this PEM certificate (chain); needs --tls-key' },
  { long: 'tls-key', arg: '<file>', section: 'Security (see README "Security")', help: 'the PEM private key for --tls-cert' },
  { long: 'allow-origin', arg: '<o>', multiple: true, section: 'Security (see README "Security")', help: 'also accept browser pages from this origin (repeatable; wildcards like https://*.example.com or http://host:*)' },
  { long: 'allow-host', arg: '<name>', multiple: true, section: 'Security (see README "Security")', help: 'also accept this Host header name, e.g. behind a proxy (repeatable)' },
  { long: 'allow-null-origin', section: 'Security (see README "Security")', help: 'accept "Origin: null" (Electron pages loaded from disk using fetch; but any web site can send it from a sandboxed iframe)' },
  { long: 'rate-limit', arg: '<n>', section: 'Security (see README "Security")', help: `requests per second per client address (on loopback: per address and browser origin) (default ${HTTP_DEFAULTS.requestsPerSecond})` },
  { long: 'rate-burst', arg: '<n>', section: 'Security (see README "Security")', help: `requests a client may make at once (default ${HTTP_DEFAULTS.burst})` },
  { long: 'max-ws-clients', arg: '<n>', section: 'Security (see README "Security")', help: `concurrent WebSocket clients (default ${WS_DEFAULTS.maxClients})` },
  { long: 'platform', arg: '<os>', section: 'Other', hidden: true, help: `collect as on another platform (${PLATFORMS.join(', ')}), with stand-in tools first on PATH; for specs` },
  { long: 'quiet', short: 'q', section: 'Other', help: 'do not log' },
  { long: 'help', short: 'h', section: 'Other', help: 'show this help' },
  { long: 'version', short: 'v', section: 'Other', help: 'print the version' },
];

/** --help, built from FLAGS. */
export function usage(width = 100): string {
  const lines = [
    'Usage: widgets-service [port] [options]',
    '',
    'Streams live system telemetry (CPU, memory, GPU, disk, network, processes) over REST and WebSocket.',
    '',
    'Arguments:',
    `  port                     port to listen on (default ${S.port}); same as --port`,
  ];
  const column = 27;
  for (const section of ['Options', 'Security (see README "Security")', 'Other'] as const) {
    lines.push('');
    if (section !== 'Other') lines.push(`${section}:`);
    for (const f of FLAGS.filter((x) => x.section === section && !x.hidden)) {
      const name = `  ${f.short ? `-${f.short}, ` : '    '}--${f.long}${f.arg ? ` ${f.arg}` : ''}`;
      const lead = name.length < column ? name.padEnd(column) : `${name}  `;
      wrap(f.help, width - column).forEach((text, i) => lines.push((i === 0 ? lead : ' '.repeat(column)) + text));
    }
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
}

type ParseOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

const PARSE_OPTIONS: ParseOptions = Object.fromEntries(
  FLAGS.map((f) => [f.long, { type: f.arg ? 'string' : 'boolean', ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) }]),
);

export function parseCli(argv: string[]): CliConfig {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: PARSE_OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals } = parsed;
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const text = (name: string) => values[name] as string | undefined;
  const on = (name: string) => values[name] === true;
  const list = (name: string) => values[name] as string[] | undefined;
  if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  if (positionals.length === 1 && text('port') !== undefined) throw new UsageError('give the port either as an argument or with --port, not both');
  const portFlag = text('port') === undefined ? 'port' : '--port';
  const portText = text('port') ?? positionals[0];
  const rate = text('rate-limit');
  const burst = text('rate-burst');
  const maxWsClients = text('max-ws-clients');
  const tlsCert = text('tls-cert');
  const tlsKey = text('tls-key');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together: give both PEM files');
  return {
    help: on('help'),
    version: on('version'),
    quiet: on('quiet'),
    host: text('host') ?? S.host,
    port: portText === undefined ? S.port : parsePort(portText, portFlag),
    intervalMs: text('interval') === undefined ? S.intervalMs : durationFlag('--interval', text('interval')!, S.minIntervalMs, S.maxIntervalMs),
    lingerMs: text('linger') === undefined ? S.lingerMs : durationFlag('--linger', text('linger')!, 0, S.maxIntervalMs),
    historyMs: text('history') === undefined ? S.historyMs : durationFlag('--history', text('history')!, 0, S.maxHistoryMs),
    processLimit: text('process-limit') === undefined ? S.processLimit : wholeFlag('--process-limit', text('process-limit')!, 1, 10_000),
    exposeCommandLine: on('expose-command-line'),
    metricsPerPid: on('metrics-per-pid'),
    includeNetworkFs: on('include-network-fs'),
    idleExitSeconds: text('idle-exit') === undefined ? undefined : positiveFlag('--idle-exit', text('idle-exit')!, 31 * 24 * 3600),
    exitWithParent: !on('no-exit-with-parent'),
    optimizer: text('optimizer') === undefined ? 'auto' : optimizerFlag(text('optimizer')!),
    security: {
      ...(text('token') !== undefined ? { token: text('token') } : {}),
      ...(list('allow-origin') ? { allowOrigins: list('allow-origin') } : {}),
      ...(list('allow-host') ? { allowHosts: list('allow-host') } : {}),
      ...(on('allow-null-origin') ? { allowNullOrigin: true } : {}),
      ...(rate !== undefined || burst !== undefined
        ? {
            rateLimit: {
              ...(rate !== undefined ? { requestsPerSecond: positiveFlag('--rate-limit', rate, 1_000_000) } : {}),
              ...(burst !== undefined ? { burst: wholeFlag('--rate-burst', burst, 1, 1_000_000) } : {}),
            },
          }
        : {}),
    },
    webSocket: maxWsClients === undefined ? {} : { maxClients: wholeFlag('--max-ws-clients', maxWsClients, 1, 100_000) },
    tlsFiles: tlsCert !== undefined && tlsKey !== undefined ? { cert: tlsCert, key: tlsKey } : undefined,
    platform: text('platform') === undefined ? undefined : platformFlag(text('platform')!),
  };
}

function platformFlag(value: string): NodeJS.Platform {
  if ((PLATFORMS as readonly string[]).includes(value)) return value as NodeJS.Platform;
  throw new UsageError(`--platform must be one of ${PLATFORMS.join(', ')}, got "${value}"`);
}

function optimizerFlag(value: string): OptimizerMode {
  if ((OPTIMIZER_MODES as readonly string[]).includes(value)) return value as OptimizerMode;
  throw new UsageError(`--optimizer must be one of ${OPTIMIZER_MODES.join(', ')}, got "${value}"`);
}

/** Reads the --tls-cert / --tls-key files; an error names the flag and the file. */
export function readTlsFiles(files: { cert: string; key: string }, read: (file: string) => Buffer = readFileSync): TlsOptions {
  const load = (flag: string, file: string) => {
    try {
      return read(file);
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${JSON.stringify(file)}: ${(error as Error).message}`);
    }
  };
  return { cert: load('--tls-cert', files.cert), key: load('--tls-key', files.key) };
}

/** `flag` is how the user gave it: `port` (the positional argument) or `--port`. */
export function parsePort(text: string, flag = 'port'): number {
  return wholeFlag(flag, text, 0, 65535);
}

/** "2000", "2000ms", "2s", "1.5s", "1m", "1h" -> milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} must be a duration like 2000, 2000ms, 2s or 1m, got ${JSON.stringify(text)}`);
  const factor = m[2] === 'h' ? 3_600_000 : m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1;
  return Math.round(Number(m[1]) * factor);
}

/** Runs a library validator under the flag's name, as a UsageError. */
function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function durationFlag(flag: string, text: string, min: number, max: number): number {
  const ms = parseDuration(flag, text);
  if (ms < min || ms > max) {
    throw new UsageError(`${flag} must be a duration from ${formatDuration(min)} to ${formatDuration(max)}, got ${JSON.stringify(text)}`);
  }
  return asUsage(() => checkMs(flag, ms, min, max));
}

function wholeFlag(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : text;
  return asUsage(() => checkWhole(flag, value, min, max));
}

function positiveFlag(flag: string, text: string, max: number): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return asUsage(() => checkPositive(flag, value, max));
}
