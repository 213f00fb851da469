import { parseHostPattern } from './host.js';
import { parseOriginPattern } from './origin.js';

/**
 * Every security knob in one place, with the defaults for a desktop service that ClaraVerse
 * starts on 127.0.0.1 and a handful of widgets and dashboards read.
 */

export interface RateLimitOptions {
  /** Sustained requests per second per client address (HTTP requests and WebSocket upgrades). */
  requestsPerSecond: number;
  /** Requests an address may make at once. */
  burst: number;
  /** Most client addresses remembered by the limiter (bounds its memory). */
  maxTracked: number;
}

export interface SecurityOptions {
  /** Shared secret required on every request when set (`--token`, `WIDGETS_TOKEN`). */
  token: string | undefined;
  /** Extra browser origins allowed besides loopback pages, `file://` and `null` (`--allow-origin`). */
  allowOrigins: string[];
  /** Allow `Origin: null` (Electron pages loaded from disk; also sandboxed iframes anywhere). */
  allowNullOrigin: boolean;
  /** Extra Host header names allowed besides loopback (`--allow-host`), e.g. behind a reverse proxy. */
  allowHosts: string[];
  rateLimit: RateLimitOptions;
  /** Concurrent WebSocket clients; the next upgrade gets 503. */
  maxWsClients: number;
  /** Longest request target (path + query) in bytes; longer gets 414. */
  maxUrlBytes: number;
  /** All request headers together, in bytes (`http.createServer` `maxHeaderSize`); larger gets 431. */
  maxHeaderBytes: number;
  /** Largest WebSocket message accepted from a client (`ws` `maxPayload`); larger closes with 1009. */
  wsMaxPayloadBytes: number;
  /** Time allowed to receive the request headers (slowloris). */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept after a response. */
  keepAliveTimeoutMs: number;
  /** An HTTP socket with no traffic for this long is closed (WebSocket sockets are exempt: ws clears it). */
  idleTimeoutMs: number;
}

/**
 * The defaults, and why:
 * - `token`: none; loopback-only needs none, and binding elsewhere is refused without one.
 * - `rateLimit`: 20/s sustained, burst 40. Widgets use one WebSocket each and the data changes
 *   every 2 s; a dashboard loading every `/api/stats/*` endpoint at once makes ~8 requests.
 *   All local clients share the address 127.0.0.1, hence the headroom. Bounds token guessing.
 * - `maxWsClients`: 64. ClaraVerse opens one per widget (typically 1 to 5); every client costs a
 *   socket and a send per tick, so the cap bounds fan-out while staying far above real use.
 * - `maxUrlBytes`: 8 KiB. The longest real target (`/ws/stats?token=<64 hex>`) is under 100 bytes;
 *   8 KiB is the common server default (nginx `large_client_header_buffers`).
 * - `maxHeaderBytes`: 16 KiB, Node's default, stated explicitly so it cannot drift.
 * - `wsMaxPayloadBytes`: 4 KiB. Clients send nothing today (at most a small JSON control
 *   message); `ws` would otherwise buffer up to 100 MiB per message.
 * - Timeouts: headers 10 s and request 15 s (Node: 60 s / 300 s) since requests are body-less
 *   GETs; keep-alive 5 s (Node's default); idle sockets closed after 60 s.
 *
 * @example
 * import { DEFAULT_SECURITY } from './options.js';
 * http.createServer({ maxHeaderSize: DEFAULT_SECURITY.maxHeaderBytes });
 */
export const DEFAULT_SECURITY: Readonly<SecurityOptions> = Object.freeze({
  token: undefined,
  allowOrigins: [],
  allowNullOrigin: true,
  allowHosts: [],
  rateLimit: Object.freeze({ requestsPerSecond: 20, burst: 40, maxTracked: 10_000 }),
  maxWsClients: 64,
  maxUrlBytes: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  wsMaxPayloadBytes: 4 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
}) as Readonly<SecurityOptions>;

/** What a caller may pass: any subset, `rateLimit` included. */
export type SecurityInput = Partial<Omit<SecurityOptions, 'rateLimit'>> & { rateLimit?: Partial<RateLimitOptions> };

/**
 * Shortest token accepted. 16 hex characters are 64 bits: an online guesser needs on average
 * 2^63 tries, about 15 billion years at the default 20 requests per second, and still millions of
 * years at 100 000 per second from many addresses. It is short enough to paste into a dashboard.
 * Shorter secrets are usually words a person chose, which a dictionary finds quickly. (A length
 * check cannot measure randomness; the docs say to generate the token with `openssl rand`.)
 */
export const MIN_TOKEN_LENGTH = 16;
/** Longest token accepted; a token travels in a header and maybe a URL, both size-capped. */
export const MAX_TOKEN_LENGTH = 1024;

function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function positiveNumber(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new Error(`${name} must be a number above 0 and at most ${max}, got ${String(value)}`);
  }
  return value;
}

/** Validates a token without ever printing it. */
function checkToken(token: string, source: string): string {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `${source} is too short (${token.length} characters, need at least ${MIN_TOKEN_LENGTH}): ` +
        'a short secret can be guessed; generate one with `openssl rand -hex 32`',
    );
  }
  if (token.length > MAX_TOKEN_LENGTH) throw new Error(`${source} is too long (${token.length} characters, at most ${MAX_TOKEN_LENGTH})`);
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new Error(`${source} must be printable ASCII without spaces (it is sent in an Authorization header)`);
  }
  return token;
}

function stringList(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${name} must be a list of strings`);
  return [...(value as string[])];
}

/**
 * Fills in defaults and validates every option, throwing an Error whose message names the option
 * and what is wrong (print it and exit). The token comes from `input.token`, else from
 * `WIDGETS_TOKEN` in `env` (an empty variable counts as unset). Patterns are checked with the same
 * parsers the policies use, so a bad `--allow-origin` fails at start-up, not per request.
 *
 * @example
 * const security = resolveSecurityOptions(
 *   { allowOrigins: ['https://dash.example.com'], rateLimit: { requestsPerSecond: 50 } },
 *   process.env,
 * );
 * security.rateLimit; // { requestsPerSecond: 50, burst: 40, maxTracked: 10000 }
 */
export function resolveSecurityOptions(
  input: SecurityInput = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): SecurityOptions {
  const d = DEFAULT_SECURITY;
  let token: string | undefined;
  if (input.token !== undefined) {
    if (typeof input.token !== 'string') throw new Error('token must be a string');
    if (input.token === '') throw new Error('--token is empty; give a secret of at least 16 characters or leave it out');
    token = checkToken(input.token, '--token');
  } else if (env.WIDGETS_TOKEN !== undefined && env.WIDGETS_TOKEN !== '') {
    token = checkToken(env.WIDGETS_TOKEN, 'WIDGETS_TOKEN');
  }

  const allowOrigins = stringList('allowOrigins', input.allowOrigins ?? d.allowOrigins);
  allowOrigins.forEach(parseOriginPattern);
  const allowHosts = stringList('allowHosts', input.allowHosts ?? d.allowHosts);
  allowHosts.forEach(parseHostPattern);
  const allowNullOrigin = input.allowNullOrigin ?? d.allowNullOrigin;
  if (typeof allowNullOrigin !== 'boolean') throw new Error('allowNullOrigin must be true or false');

  const rl = { ...d.rateLimit, ...input.rateLimit };
  const rateLimit: RateLimitOptions = {
    requestsPerSecond: positiveNumber('rateLimit.requestsPerSecond', rl.requestsPerSecond, 1_000_000),
    burst: wholeNumber('rateLimit.burst', rl.burst, 1, 1_000_000),
    maxTracked: wholeNumber('rateLimit.maxTracked', rl.maxTracked, 1, 10_000_000),
  };

  const day = 24 * 60 * 60 * 1000;
  const resolved: SecurityOptions = {
    token,
    allowOrigins,
    allowNullOrigin,
    allowHosts,
    rateLimit,
    maxWsClients: wholeNumber('maxWsClients', input.maxWsClients ?? d.maxWsClients, 1, 100_000),
    maxUrlBytes: wholeNumber('maxUrlBytes', input.maxUrlBytes ?? d.maxUrlBytes, 256, 1024 * 1024),
    maxHeaderBytes: wholeNumber('maxHeaderBytes', input.maxHeaderBytes ?? d.maxHeaderBytes, 1024, 1024 * 1024),
    wsMaxPayloadBytes: wholeNumber('wsMaxPayloadBytes', input.wsMaxPayloadBytes ?? d.wsMaxPayloadBytes, 128, 64 * 1024 * 1024),
    headersTimeoutMs: wholeNumber('headersTimeoutMs', input.headersTimeoutMs ?? d.headersTimeoutMs, 1000, day),
    requestTimeoutMs: wholeNumber('requestTimeoutMs', input.requestTimeoutMs ?? d.requestTimeoutMs, 1000, day),
    keepAliveTimeoutMs: wholeNumber('keepAliveTimeoutMs', input.keepAliveTimeoutMs ?? d.keepAliveTimeoutMs, 0, day),
    idleTimeoutMs: wholeNumber('idleTimeoutMs', input.idleTimeoutMs ?? d.idleTimeoutMs, 1000, day),
  };
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new Error(
      `headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed requestTimeoutMs (${resolved.requestTimeoutMs}); Node refuses that`,
    );
  }
  if (resolved.maxUrlBytes > resolved.maxHeaderBytes) {
    throw new Error(`maxUrlBytes (${resolved.maxUrlBytes}) cannot exceed maxHeaderBytes (${resolved.maxHeaderBytes}): the request line counts toward the header limit`);
  }
  return resolved;
}
