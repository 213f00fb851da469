import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHost } from './binding.js';
import { createHostPolicy, parseHostHeader, type HostPolicy } from './host.js';
import type { SecurityOptions } from './options.js';
import { createOriginPolicy, type OriginPolicy } from './origin.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { createTokenCheck, presentedToken, type TokenCheck } from './token.js';

/**
 * The one gate every request passes, REST and WebSocket upgrade alike, and the CORS headers that
 * go with it. Checks run cheapest first and the first failure answers:
 * 414 target too long, 400 malformed target or Host, 403 Host (DNS rebinding), 403 Origin
 * (cross-site), 403 cross-site request without CORS (Fetch Metadata), then 429 rate limit, then
 * 401 token.
 *
 * The refusals before the rate limit cost no collection and spend no budget, so a page flooding
 * the service with refused requests cannot use up the budget of the clients that are served. The
 * rate limit comes before the token so that guessing tokens is throttled. On loopback, budgets are
 * kept per address *and* per browser origin (see {@link rateKey}): a page can only exhaust its own.
 */
/** The parts of an `IncomingMessage` the guard reads (a real one fits). */
export interface GuardRequest {
  method?: string | undefined;
  /** '1.1' or '1.0': Host is required on 1.1 (absent: not checked). */
  httpVersion?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string | undefined };
}

/** Everything the guard needs, built once at start-up by {@link createPolicies}. */
export interface Policies {
  host: HostPolicy;
  origin: OriginPolicy;
  /** Bearer header only. */
  restToken: TokenCheck;
  /** Bearer header or `?token=`. */
  wsToken: TokenCheck;
  /** Whether a token is configured (changes only the wording of 401s). */
  tokenRequired: boolean;
  /** Omit to disable rate limiting. */
  rateLimiter?: RateLimiter | undefined;
  maxUrlBytes: number;
}

export type GuardFailure = {
  ok: false;
  status: 400 | 401 | 403 | 414 | 429 | 503;
  /** One sentence saying what was refused and how to get in; goes in the JSON body. */
  error: string;
  /** Headers to send with the refusal (Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>;
};

export type GuardResult = { ok: true; url: URL } | GuardFailure;

export interface CreatePoliciesOptions {
  /** The address the server listens on (allowed as a Host when it is a specific address). */
  listenHost?: string;
  /** Clock for the rate limiter (specs). */
  now?: () => number;
}

/**
 * Builds the policies from resolved options.
 *
 * @example
 * const security = resolveSecurityOptions(flags, process.env);
 * const policies = createPolicies(security, { listenHost: '127.0.0.1' });
 */
export function createPolicies(options: SecurityOptions, extra: CreatePoliciesOptions = {}): Policies {
  return {
    host: createHostPolicy({ allowHosts: options.allowHosts, listenHost: extra.listenHost }),
    origin: createOriginPolicy({ allowOrigins: options.allowOrigins, allowNullOrigin: options.allowNullOrigin }),
    restToken: createTokenCheck(options.token),
    wsToken: createTokenCheck(options.token, { acceptQueryParam: true }),
    tokenRequired: options.token !== undefined,
    rateLimiter: createRateLimiter({ ...options.rateLimit, now: extra.now }),
    maxUrlBytes: options.maxUrlBytes,
  };
}

/**
 * True for a WebSocket upgrade request.
 *
 * @example
 * isWebSocketUpgrade({ headers: { upgrade: 'websocket' } }); // true
 */
export function isWebSocketUpgrade(req: { headers: IncomingHttpHeaders }): boolean {
  return req.headers.upgrade?.toLowerCase() === 'websocket';
}

/**
 * The rate-limit key for a socket address: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) folded to IPv4,
 * so one client counts once however the socket reports it.
 *
 * @example
 * clientKey('::ffff:127.0.0.1'); // '127.0.0.1'
 */
export function clientKey(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  return mapped?.[1] ?? remoteAddress.toLowerCase();
}

/**
 * The rate-limit budget a request spends. From another machine: its address, whatever headers it
 * sends (an Origin is just a header there, and rotating it must not buy more token guesses). On
 * loopback, where every local client shares one address, the address plus who in a browser sent
 * it: programs (curl, scripts, Electron's main process) send neither `Origin` nor
 * `Sec-Fetch-Site` and share the address's own budget; a browser page spends the budget of its
 * origin, and a request a browser made without an Origin (a same-site `no-cors` fetch, an `<img>`)
 * the budget of its `Sec-Fetch-Site`. A page on one origin therefore cannot lock out another
 * origin, nor the programs on the same machine.
 *
 * @example
 * rateKey({ headers: {}, socket: { remoteAddress: '::ffff:127.0.0.1' } });                       // '127.0.0.1'
 * rateKey({ headers: { origin: 'http://localhost:5173' }, socket: { remoteAddress: '::1' } }); // '::1 origin http://localhost:5173'
 * rateKey({ headers: { origin: 'http://localhost:5173' }, socket: { remoteAddress: '192.0.2.7' } }); // '192.0.2.7'
 */
export function rateKey(req: Pick<GuardRequest, 'headers' | 'socket'>): string {
  const address = clientKey(req.socket.remoteAddress);
  if (!isLoopbackHost(address)) return address;
  const origin = req.headers.origin;
  if (origin !== undefined) return `${address} origin ${origin.slice(0, 256)}`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return `${address} fetch ${site.slice(0, 32)}`;
  return address;
}

/**
 * True for a request a browser sent on behalf of another site without CORS: `Sec-Fetch-Site:
 * cross-site` and no Origin (a `no-cors` fetch, `<img>`, `<script>`), other than a top-level
 * navigation (a link the user follows, which shows the page to the user only). Such a request
 * could never read the answer; refusing it keeps other sites from spending collection and rate
 * budget. (Fetch Metadata resource isolation; browsers without it send no such header.)
 */
function isCrossSiteWithoutCors(headers: IncomingHttpHeaders): boolean {
  if (headers.origin !== undefined || headers['sec-fetch-site'] !== 'cross-site') return false;
  return !(headers['sec-fetch-mode'] === 'navigate' && (headers['sec-fetch-dest'] ?? 'document') === 'document');
}

/** Untrusted text quoted in an error message: bounded, and without control characters. */
function shown(value: string): string {
  const clean = value.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/**
 * Decides one request (REST request or WebSocket upgrade; an upgrade also accepts `?token=`).
 * CORS preflights (OPTIONS) skip the token check: browsers never send credentials on a
 * preflight, and the preflight answer carries no data. On success, returns the parsed URL.
 *
 * @example
 * // REST middleware
 * const verdict = checkRequest(req, policies);
 * if (!verdict.ok) return sendError(res, verdict.status, verdict.error, { ...cors, ...verdict.headers });
 * // WebSocket upgrade: lib/ws/stats-socket.ts calls it through its `authorize` hook
 * attachStatsSocket({ server, monitor, logger, authorize: (req) => checkRequest(req, policies) });
 */
export function checkRequest(req: GuardRequest, policies: Policies): GuardResult {
  const target = req.url ?? '/';
  const bytes = Buffer.byteLength(target, 'utf8');
  if (bytes > policies.maxUrlBytes) {
    return { ok: false, status: 414, error: `request target is ${bytes} bytes; the limit is ${policies.maxUrlBytes}` };
  }
  // Origin-form targets only ("/path?query"). An absolute-form target ("http://evil.example/...")
  // is for proxies; this service is none, and echoing its host back would only help a forger.
  if (!target.startsWith('/')) {
    return { ok: false, status: 400, error: 'request target must be a path starting with "/" (this service is not a proxy)' };
  }
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400 (the Host policy relies on it).
  if (req.headers.host === undefined && req.httpVersion === '1.1') {
    return { ok: false, status: 400, error: 'missing Host header (required by HTTP/1.1)' };
  }

  let url: URL;
  try {
    url = new URL(target, 'http://localhost');
  } catch {
    return { ok: false, status: 400, error: 'malformed request target' };
  }

  const host = req.headers.host;
  if (host !== undefined && !policies.host(host)) {
    const parsed = parseHostHeader(host);
    if (!parsed) return { ok: false, status: 400, error: `malformed Host header ${JSON.stringify(shown(host))}` };
    return {
      ok: false,
      status: 403,
      error:
        `host ${shown(host)} is not allowed (protection against DNS rebinding); ` +
        `if clients reach this service by that name, start with --allow-host ${parsed.hostname}`,
    };
  }

  const origin = req.headers.origin;
  if (!policies.origin(origin)) {
    const o = shown(origin ?? '');
    const error =
      o === 'null'
        ? 'origin null (a sandboxed iframe or a page loaded from a file) is not allowed; start with --allow-null-origin to permit it (any web site can send null)'
        : `origin ${o} is not allowed; start with --allow-origin ${o} to permit it`;
    return { ok: false, status: 403, error };
  }
  if (isCrossSiteWithoutCors(req.headers)) {
    return { ok: false, status: 403, error: 'cross-site request without CORS refused (Sec-Fetch-Site: cross-site and no Origin)' };
  }

  if (policies.rateLimiter) {
    const decision = policies.rateLimiter.take(rateKey(req));
    if (!decision.ok) {
      return {
        ok: false,
        status: 429,
        error: `too many requests from this client; retry in ${decision.retryAfterSeconds} s`,
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      };
    }
  }

  if (req.method !== 'OPTIONS' && !isPublicPage(req, url)) {
    const ws = isWebSocketUpgrade(req);
    const check = ws ? policies.wsToken : policies.restToken;
    if (!check(req, url)) {
      const given = presentedToken(req, url, ws) !== undefined;
      const how = ws ? 'send Authorization: Bearer <token> or connect with ?token=<token>' : 'send Authorization: Bearer <token>';
      return {
        ok: false,
        status: 401,
        error: given ? `the token is wrong; ${how}` : `a token is required; ${how}`,
        headers: {
          'WWW-Authenticate': given ? 'Bearer realm="widgets-service", error="invalid_token"' : 'Bearer realm="widgets-service"',
        },
      };
    }
  }
  return { ok: true, url };
}

/**
 * The dashboard page itself is served without the token: it holds no telemetry (only the page's
 * code), and a browser cannot send a Bearer header when opening a URL. Everything it shows comes
 * over the token-checked WebSocket and REST calls. Host, Origin and rate checks still apply.
 */
function isPublicPage(req: GuardRequest, url: URL): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && url.pathname === '/' && !isWebSocketUpgrade(req);
}

export interface CorsOptions {
  /** True for a CORS preflight (OPTIONS with Access-Control-Request-Method). */
  preflight?: boolean;
  /** The preflight's Access-Control-Request-Headers, echoed when well-formed. */
  requestHeaders?: string | undefined;
  /** The preflight asked for private network access (Access-Control-Request-Private-Network: true). */
  requestPrivateNetwork?: boolean;
  /** Access-Control-Max-Age in seconds. Default 600. */
  maxAgeSeconds?: number;
}

const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

/**
 * CORS response headers. `Vary: Origin` always (caches must not reuse one origin's answer for
 * another); `Access-Control-Allow-Origin: <origin>` only for an allowed origin that was sent,
 * never `*`; preflight headers only for allowed origins; `Access-Control-Allow-Private-Network`
 * only for allowed origins other than `null`.
 *
 * @example
 * corsHeaders('http://localhost:5173', policies.origin);
 * // { Vary: 'Origin', 'Access-Control-Allow-Origin': 'http://localhost:5173' }
 * corsHeaders('https://evil.example', policies.origin); // { Vary: 'Origin' }
 * corsHeaders('http://localhost:5173', policies.origin, {
 *   preflight: true, requestHeaders: req.headers['access-control-request-headers'],
 * });
 * // + Allow-Methods 'GET, OPTIONS', Allow-Headers echoed, Max-Age '600'
 */
export function corsHeaders(origin: string | undefined, policy: OriginPolicy, options: CorsOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {
    Vary: options.preflight ? 'Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network' : 'Origin',
  };
  if (origin === undefined || !policy(origin)) return headers;
  headers['Access-Control-Allow-Origin'] = origin;
  if (options.preflight) {
    headers['Access-Control-Allow-Methods'] = 'GET, OPTIONS';
    const requested = options.requestHeaders?.trim();
    if (requested && HEADER_LIST.test(requested)) headers['Access-Control-Allow-Headers'] = requested;
    // Private Network Access lets a public page reach this loopback service: only ever for an
    // origin that is itself allowed, and never for `null`, which any site can produce.
    if (options.requestPrivateNetwork && origin !== 'null') headers['Access-Control-Allow-Private-Network'] = 'true';
    headers['Access-Control-Max-Age'] = String(options.maxAgeSeconds ?? 600);
  }
  return headers;
}

/**
 * Headers worth sending on every REST answer: no MIME sniffing, and no embedding of responses by
 * other sites through `<script>`/`<img>` (no-cors loads; CORS reads are unaffected).
 */
export const SAFE_RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
});
