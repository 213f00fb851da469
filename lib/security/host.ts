import { isIP } from 'node:net';
import { isLoopbackHost, isWildcardHost } from './binding.js';

/**
 * The Host header check that stops DNS rebinding: a page on `http://evil.example:8765` whose name
 * is re-pointed at 127.0.0.1 is same-origin with itself, so the browser lets it read our answers;
 * but its requests still say `Host: evil.example:8765`, which this check refuses.
 *
 * Allowed: loopback names and addresses (`localhost`, 127.x, `[::1]`), any port; the configured
 * `--allow-host` names (exact, or `*.example.com` for any subdomain); the address the service
 * listens on when that is one specific address; and, when listening on every interface, any IP
 * literal (an IP literal cannot be rebound: a page can only send it when its own origin is that
 * address, i.e. this machine). A missing Host is allowed: every browser sends one, and Node
 * already answers 400 to an HTTP/1.1 request without it (`requireHostHeader`), so only HTTP/1.0
 * tools get here without one.
 */

export type HostPolicy = (hostHeader: string | undefined) => boolean;

/** A Host header split into its parts; hostname lowercase, no trailing dot, IPv6 without brackets. */
export interface ParsedHost {
  hostname: string;
  port: string | undefined;
}

const BRACKETED = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/;
const NAMED = /^([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_.])?)(?::(\d{1,5}))?$/;

/**
 * Parses a Host header (`name`, `name:port`, `1.2.3.4:80`, `[::1]:8765`). Returns undefined for
 * anything malformed (empty, bad characters, unbracketed IPv6, port above 65535).
 *
 * @example
 * parseHostHeader('[::1]:8765');     // { hostname: '::1', port: '8765' }
 * parseHostHeader('LocalHost.:80');  // { hostname: 'localhost', port: '80' }
 * parseHostHeader('evil.example/x'); // undefined
 */
export function parseHostHeader(value: string): ParsedHost | undefined {
  const v = value.trim().toLowerCase();
  let hostname: string;
  let port: string | undefined;
  const b = BRACKETED.exec(v);
  if (b) {
    if (isIP(b[1] ?? '') !== 6) return undefined;
    hostname = new URL(`http://[${b[1]}]`).hostname.slice(1, -1);
    port = b[2];
  } else {
    const n = NAMED.exec(v);
    if (!n) return undefined;
    hostname = n[1] ?? '';
    port = n[2];
    if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
    if (hostname === '' || hostname.includes('..')) return undefined;
  }
  if (port !== undefined && Number(port) > 65535) return undefined;
  return { hostname, port };
}

/** A compiled `--allow-host` entry. */
export interface HostPattern {
  host: string;
  anySubdomain: boolean;
}

/**
 * Parses one `--allow-host` entry (a name or address, no port), throwing an Error that says what
 * is wrong.
 *
 * @example
 * parseHostPattern('Telemetry.Example.com'); // { host: 'telemetry.example.com', anySubdomain: false }
 * parseHostPattern('*.example.com');         // { host: 'example.com', anySubdomain: true }
 * parseHostPattern('[fd00::5]');             // { host: 'fd00::5', anySubdomain: false }
 */
export function parseHostPattern(pattern: string): HostPattern {
  const say = (why: string) => new Error(`allow-host ${JSON.stringify(pattern)}: ${why}`);
  if (pattern === '*') throw say("'*' would disable the DNS-rebinding check; list the host names clients use");
  const anySubdomain = pattern.startsWith('*.');
  const rest = anySubdomain ? pattern.slice(2) : pattern;
  const bare = isIP(rest) === 6 ? `[${rest}]` : rest;
  const parsed = parseHostHeader(bare);
  if (!parsed) throw say('expected a host name or IP address, e.g. telemetry.example.com, *.example.com or 192.168.1.5');
  if (parsed.port !== undefined) throw say('give the host without a port (any port is accepted)');
  if (anySubdomain && (isIP(parsed.hostname) !== 0 || !parsed.hostname.includes('.'))) {
    throw say('a wildcard needs a domain with at least two labels, e.g. *.example.com');
  }
  return { host: parsed.hostname, anySubdomain };
}

export interface HostPolicyOptions {
  /** Extra `--allow-host` entries (see {@link parseHostPattern}). Default none. */
  allowHosts?: readonly string[];
  /** The address passed to `server.listen` (default 127.0.0.1). */
  listenHost?: string;
}

/**
 * Builds the Host check. Throws on a malformed `allowHosts` entry.
 *
 * @example
 * const allowed = createHostPolicy({ allowHosts: ['telemetry.example.com'], listenHost: '127.0.0.1' });
 * allowed('localhost:8765');             // true
 * allowed('[::1]:8765');                 // true
 * allowed('telemetry.example.com');      // true
 * allowed('evil.example:8765');          // false: DNS rebinding
 * allowed(undefined);                    // true: HTTP/1.0 client
 */
export function createHostPolicy(options: HostPolicyOptions = {}): HostPolicy {
  const { allowHosts = [], listenHost = '127.0.0.1' } = options;
  const patterns = allowHosts.map(parseHostPattern);
  const anyIpLiteral = isWildcardHost(listenHost);
  if (!anyIpLiteral && !isLoopbackHost(listenHost)) {
    const own = parseHostHeader(isIP(listenHost) === 6 ? `[${listenHost}]` : listenHost);
    if (own) patterns.push({ host: own.hostname, anySubdomain: false });
  }
  return (hostHeader) => {
    if (hostHeader === undefined) return true;
    const parsed = parseHostHeader(hostHeader);
    if (!parsed) return false;
    const { hostname } = parsed;
    if (isLoopbackHost(hostname)) return true;
    if (anyIpLiteral && isIP(hostname) !== 0) return true;
    return patterns.some((p) => (p.anySubdomain ? hostname.endsWith(`.${p.host}`) : hostname === p.host));
  };
}
