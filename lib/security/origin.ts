/**
 * Which browser origins may read this service (REST via CORS, and the WebSocket upgrade, where
 * browsers enforce nothing and the server's Origin check is the only door).
 *
 * Always allowed: loopback pages on any port, over http or https (`http://localhost:5173`,
 * `http://127.0.0.1:3000`, `http://[::1]:8080`) and `file://` (Electron pages loaded from disk
 * opening a WebSocket). Requests with no Origin at all are not from a browser page (curl, scripts,
 * Electron's main process) and are allowed: the Host and token checks still apply.
 *
 * `null` is refused unless `allowNullOrigin` is set: Chromium sends it for opaque origins (an
 * Electron page from disk doing `fetch`), but a sandboxed iframe on any web site sends it too, so
 * allowing it lets any page read the service on a machine without a token.
 */

export type OriginPolicy = (origin: string | undefined) => boolean;

/** A compiled `--allow-origin` pattern. */
export type OriginPattern =
  | {
      kind: 'http';
      /** `http:` or `https:` */
      scheme: string;
      /** Canonical host (lowercase, punycode, IPv6 in brackets); for wildcards, the suffix after `*.`. */
      host: string;
      /** True for `*.example.com`: any subdomain (one or more labels), never the apex itself. */
      anySubdomain: boolean;
      /** `''` = the scheme's default port, `'*'` = any port, else the port in decimal. */
      port: string;
    }
  | { kind: 'exact'; origin: string };

/** The loopback origins allowed by default, any port, http and https. */
export const LOOPBACK_ORIGINS: readonly string[] = Object.freeze([
  'http://localhost:*',
  'http://127.0.0.1:*',
  'http://[::1]:*',
  'https://localhost:*',
  'https://127.0.0.1:*',
  'https://[::1]:*',
]);

const HTTP_PATTERN = /^(https?):\/\/(\*\.)?([^/?#@:[\]\s*]+|\[[0-9A-Fa-f:.]+\])(?::(\*|\d{1,5}))?$/i;
const OTHER_ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@\s*]+)$/;

/**
 * Parses one `--allow-origin` pattern, throwing an Error that says what is wrong.
 *
 * Accepted: exact origins (`https://dash.example.com`, `http://192.168.1.5:3000`), a leading
 * subdomain wildcard (`https://*.example.com`), any port (`http://localhost:*`), and exact origins
 * of other schemes (`app://claraverse`, `chrome-extension://abcdef`) compared as written.
 * Refused: `*`, paths, query strings, user info, wildcards anywhere else, wildcards over a whole
 * top-level domain (`https://*.com`) or an IP address.
 *
 * @example
 * parseOriginPattern('https://*.example.com');
 * // => { kind: 'http', scheme: 'https:', host: 'example.com', anySubdomain: true, port: '' }
 */
export function parseOriginPattern(pattern: string): OriginPattern {
  const say = (why: string) => new Error(`allow-origin ${JSON.stringify(pattern)}: ${why}`);
  if (pattern === '*') {
    throw say("'*' would let every web page read this machine's telemetry; list the origins instead");
  }
  if (pattern === 'null' || pattern === 'file://') {
    throw say('null and file:// are not listed: file:// is always allowed, null only with --allow-null-origin (allowNullOrigin)');
  }
  const http = HTTP_PATTERN.exec(pattern);
  if (http) {
    const [, rawScheme = '', wildcard, rawHost = '', rawPort] = http;
    const scheme = rawScheme.toLowerCase();
    const anySubdomain = wildcard !== undefined;
    if (rawPort !== undefined && rawPort !== '*' && Number(rawPort) > 65535) throw say('port out of range');
    let host: string;
    let port: string;
    try {
      const url = new URL(`${scheme}://${rawHost}${rawPort && rawPort !== '*' ? `:${rawPort}` : ''}`);
      host = url.hostname;
      port = rawPort === '*' ? '*' : url.port;
    } catch {
      throw say('not a valid host');
    }
    if (anySubdomain) {
      if (host.startsWith('[') || /^[\d.]+$/.test(host)) throw say('a wildcard cannot stand for part of an IP address');
      if (!host.includes('.') && host !== 'localhost') {
        throw say(`'*.${host}' would match every site under a top-level domain; name the site (https://*.example.com)`);
      }
    }
    return { kind: 'http', scheme: `${scheme}:`, host, anySubdomain, port };
  }
  if (/^https?:/i.test(pattern)) {
    throw say('expected scheme://host[:port] with no path, e.g. https://dash.example.com, https://*.example.com or http://localhost:*');
  }
  const other = OTHER_ORIGIN.exec(pattern);
  if (other) return { kind: 'exact', origin: pattern };
  throw say('expected an origin like https://dash.example.com, https://*.example.com or http://localhost:*');
}

function matches(p: OriginPattern, origin: string, url: URL | undefined): boolean {
  if (p.kind === 'exact') return origin === p.origin;
  if (!url || url.protocol !== p.scheme) return false;
  if (p.port !== '*' && url.port !== p.port) return false;
  return p.anySubdomain ? url.hostname.endsWith(`.${p.host}`) : url.hostname === p.host;
}

/**
 * Parses an Origin header the way a browser serialises it. Anything else (trailing slash, path,
 * upper case, explicit default port, garbage) is not an origin a browser sends: undefined.
 */
function parseHttpOrigin(origin: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.origin === origin ? url : undefined;
}

export interface OriginPolicyOptions {
  /** Extra `--allow-origin` patterns (see {@link parseOriginPattern}). Default none. */
  allowOrigins?: readonly string[];
  /** Allow `Origin: null` (Electron pages from disk; also sandboxed iframes on any site). Default false. */
  allowNullOrigin?: boolean;
}

/**
 * Builds the origin check. Throws on a malformed pattern (validate early with
 * `resolveSecurityOptions`).
 *
 * @example
 * const allowed = createOriginPolicy({ allowOrigins: ['https://*.example.com'] });
 * allowed(undefined);                    // true: not a browser
 * allowed('http://localhost:5173');      // true: loopback, any port
 * allowed('null');                       // false: any site can send it (allowNullOrigin: true allows it)
 * allowed('https://dash.example.com');   // true: configured
 * allowed('https://evil.example');       // false
 */
export function createOriginPolicy(options: OriginPolicyOptions = {}): OriginPolicy {
  const { allowOrigins = [], allowNullOrigin = false } = options;
  const patterns = [...LOOPBACK_ORIGINS, ...allowOrigins].map(parseOriginPattern);
  return (origin) => {
    if (origin === undefined) return true;
    if (origin === 'null') return allowNullOrigin;
    if (origin === 'file://') return true;
    const url = parseHttpOrigin(origin);
    return patterns.some((p) => matches(p, origin, url));
  };
}
