import { HTTP_DEFAULTS } from '../defaults.js';
import { checkBoolean, checkPositive, checkWhole, OptionError } from '../option-check.js';
import { parseHostPattern } from './host.js';
import { parseOriginPattern } from './origin.js';

/**
 * Every security knob in one place, with the defaults for a desktop service that ClaraVerse
 * starts on 127.0.0.1 and a handful of widgets and dashboards read.
 */

export interface RateLimitOptions {
  /** Sustained requests per second per client (address; on loopback address + browser origin; HTTP requests and WebSocket upgrades). */
  requestsPerSecond: number;
  /** Requests an address may make at once. */
  burst: number;
  /** Most clients remembered by the limiter (bounds its memory). */
  maxTracked: number;
}

export interface SecurityOptions {
  /** Shared secret required on every request when set (`--token`, `WIDGETS_TOKEN`). */
  token: string | undefined;
  /** Extra browser origins allowed besides loopback pages and `file://` (`--allow-origin`). */
  allowOrigins: string[];
  /** Allow `Origin: null` (`--allow-null-origin`): Electron pages loaded from disk, but also sandboxed iframes on any site. */
  allowNullOrigin: boolean;
  /** Extra Host header names allowed besides loopback (`--allow-host`), e.g. behind a reverse proxy. */
  allowHosts: string[];
  rateLimit: RateLimitOptions;
  /** Longest request target (path + query) in bytes; longer gets 414. */
  maxUrlBytes: number;
  /** All request headers together, in bytes (`http.createServer` `maxHeaderSize`); larger gets 431. */
  maxHeaderBytes: number;
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
 * The defaults (numbers from lib/defaults.ts), and why:
 * - `token`: none; loopback-only needs none, and binding elsewhere is refused without one.
 * - `allowNullOrigin`: false; any web site can send `Origin: null` from a sandboxed iframe.
 * - `rateLimit`: 20/s sustained, burst 40, per address (on loopback per address and browser
 *   origin). Widgets use one WebSocket each and the data changes every 2 s; a dashboard loading
 *   every `/api/stats/*` endpoint at once makes ~8 requests. Bounds token guessing.
 * - `maxUrlBytes`: 8 KiB. The longest real target (`/ws/stats?token=<64 hex>`) is under 100 bytes;
 *   8 KiB is the common server default (nginx `large_client_header_buffers`).
 * - `maxHeaderBytes`: 16 KiB, Node's default, stated explicitly so it cannot drift.
 * - Timeouts: headers 10 s and request 15 s (Node: 60 s / 300 s) since requests are body-less
 *   GETs; keep-alive 5 s (Node's default); idle sockets closed after 60 s.
 * WebSocket limits (clients, message size and rate) are `webSocket` options (lib/ws/socket-options.ts).
 */
export const DEFAULT_SECURITY: Readonly<SecurityOptions> = Object.freeze({
  token: undefined,
  allowOrigins: [],
  allowNullOrigin: false,
  allowHosts: [],
  rateLimit: Object.freeze({
    requestsPerSecond: HTTP_DEFAULTS.requestsPerSecond,
    burst: HTTP_DEFAULTS.burst,
    maxTracked: HTTP_DEFAULTS.maxTracked,
  }),
  maxUrlBytes: HTTP_DEFAULTS.maxUrlBytes,
  maxHeaderBytes: HTTP_DEFAULTS.maxHeaderBytes,
  headersTimeoutMs: HTTP_DEFAULTS.headersTimeoutMs,
  requestTimeoutMs: HTTP_DEFAULTS.requestTimeoutMs,
  keepAliveTimeoutMs: HTTP_DEFAULTS.keepAliveTimeoutMs,
  idleTimeoutMs: HTTP_DEFAULTS.idleTimeoutMs,
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

/** Validates a token without ever printing it. */
function checkToken(token: string, source: string): string {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new OptionError(
      `${source} is too short (${token.length} characters, need at least ${MIN_TOKEN_LENGTH}): ` +
        'a short secret can be guessed; generate one with `openssl rand -hex 32`',
    );
  }
  if (token.length > MAX_TOKEN_LENGTH) throw new OptionError(`${source} is too long (${token.length} characters, at most ${MAX_TOKEN_LENGTH})`);
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new OptionError(`${source} must be printable ASCII without spaces (it is sent in an Authorization header)`);
  }
  return token;
}

function stringList(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new OptionError(`${name} must be a list of strings`);
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
    if (typeof input.token !== 'string') throw new OptionError('token must be a string');
    if (input.token === '') throw new OptionError('--token is empty; give a secret of at least 16 characters or leave it out');
    token = checkToken(input.token, '--token');
  } else if (env.WIDGETS_TOKEN !== undefined && env.WIDGETS_TOKEN !== '') {
    token = checkToken(env.WIDGETS_TOKEN, 'WIDGETS_TOKEN');
  }

  const allowOrigins = stringList('allowOrigins', input.allowOrigins ?? d.allowOrigins);
  allowOrigins.forEach(parseOriginPattern);
  const allowHosts = stringList('allowHosts', input.allowHosts ?? d.allowHosts);
  allowHosts.forEach(parseHostPattern);
  const allowNullOrigin = checkBoolean('allowNullOrigin', input.allowNullOrigin ?? d.allowNullOrigin);

  const rl = { ...d.rateLimit, ...input.rateLimit };
  const rateLimit: RateLimitOptions = {
    requestsPerSecond: checkPositive('rateLimit.requestsPerSecond', rl.requestsPerSecond, 1_000_000),
    burst: checkWhole('rateLimit.burst', rl.burst, 1, 1_000_000),
    maxTracked: checkWhole('rateLimit.maxTracked', rl.maxTracked, 1, 10_000_000),
  };

  const day = 24 * 60 * 60 * 1000;
  const resolved: SecurityOptions = {
    token,
    allowOrigins,
    allowNullOrigin,
    allowHosts,
    rateLimit,
    maxUrlBytes: checkWhole('maxUrlBytes', input.maxUrlBytes ?? d.maxUrlBytes, 256, 1024 * 1024),
    maxHeaderBytes: checkWhole('maxHeaderBytes', input.maxHeaderBytes ?? d.maxHeaderBytes, 1024, 1024 * 1024),
    headersTimeoutMs: checkWhole('headersTimeoutMs', input.headersTimeoutMs ?? d.headersTimeoutMs, 1000, day),
    requestTimeoutMs: checkWhole('requestTimeoutMs', input.requestTimeoutMs ?? d.requestTimeoutMs, 1000, day),
    keepAliveTimeoutMs: checkWhole('keepAliveTimeoutMs', input.keepAliveTimeoutMs ?? d.keepAliveTimeoutMs, 0, day),
    idleTimeoutMs: checkWhole('idleTimeoutMs', input.idleTimeoutMs ?? d.idleTimeoutMs, 1000, day),
  };
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new OptionError(
      `headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed requestTimeoutMs (${resolved.requestTimeoutMs}); Node refuses that`,
    );
  }
  if (resolved.maxUrlBytes > resolved.maxHeaderBytes) {
    throw new OptionError(`maxUrlBytes (${resolved.maxUrlBytes}) cannot exceed maxHeaderBytes (${resolved.maxHeaderBytes}): the request line counts toward the header limit`);
  }
  return resolved;
}
