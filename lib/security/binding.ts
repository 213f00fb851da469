import { BlockList, isIP } from 'node:net';

/**
 * Where the service may listen without a token. Loopback only: anything else (a LAN address,
 * `0.0.0.0`, `::`, a host name that is not `localhost`) lets other machines read the telemetry.
 */

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4'); // also matches ::ffff:127.x.y.z (IPv4-mapped)
loopback.addAddress('::1', 'ipv6');

/**
 * True for a loopback address or name: `localhost` (any case, optional trailing dot),
 * 127.0.0.0/8, `::1` in any spelling, IPv4-mapped `::ffff:127.x.y.z`, with or without IPv6 brackets.
 * No port: pass the bare host. Host names other than `localhost` are not loopback (they resolve
 * through DNS, which an attacker may control).
 *
 * @example
 * isLoopbackHost('127.0.0.1');       // true
 * isLoopbackHost('[::1]');           // true
 * isLoopbackHost('::ffff:127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');         // false
 * isLoopbackHost('localhost.');      // true
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.') && !isIP(h.slice(0, -1))) h = h.slice(0, -1);
  if (h === 'localhost') return true;
  const family = isIP(h);
  if (family === 4) return loopback.check(h, 'ipv4');
  if (family === 6) return loopback.check(h, 'ipv6');
  return false;
}

/**
 * True for an address that listens on every interface (`0.0.0.0`, `::`, or none given to
 * `server.listen`, which Node treats as `::`).
 *
 * @example
 * isWildcardHost('0.0.0.0'); // true
 * isWildcardHost('::');      // true
 */
export function isWildcardHost(host: string | undefined): boolean {
  if (host === undefined || host === '') return true;
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (isIP(h) === 4) return h === '0.0.0.0';
  if (isIP(h) === 6) return new URL(`http://[${h}]`).hostname === '[::]';
  return false;
}

/**
 * Decides whether the service may listen on `host`. Returns null when it may, otherwise a
 * one-line explanation for stderr (exit non-zero). A non-empty token makes any address acceptable;
 * the token's quality is checked by `resolveSecurityOptions`.
 *
 * @example
 * checkBinding('127.0.0.1', undefined); // null
 * checkBinding('0.0.0.0', undefined);
 * // "refusing to listen on 0.0.0.0 without a token: anyone on the network could read this
 * //  machine's telemetry; pass --token <secret> or set WIDGETS_TOKEN"
 * checkBinding('0.0.0.0', 'a-long-random-secret-value'); // null
 */
export function checkBinding(host: string, token: string | undefined): string | null {
  if (isLoopbackHost(host)) return null;
  if (token !== undefined && token !== '') return null;
  const shown = host === '' ? 'all interfaces' : host;
  return (
    `refusing to listen on ${shown} without a token: anyone on the network could read this machine's telemetry; ` +
    'pass --token <secret> or set WIDGETS_TOKEN (or listen on 127.0.0.1)'
  );
}
