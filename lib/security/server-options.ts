import type { ServerOptions } from 'node:http';
import type { SecurityOptions } from './options.js';

/**
 * The size and time limits translated into the options Node's HTTP(S) server takes. The idle
 * socket timeout is not a `createServer` option: call `server.setTimeout`.
 */

/**
 * Options for `http.createServer`: header size cap (431 beyond it), headers/request/keep-alive
 * timeouts. Host on HTTP/1.1 is required by the guard (checkRequest), not by Node.
 *
 * @example
 * const server = http.createServer(httpServerOptions(security));
 * server.setTimeout(security.idleTimeoutMs);
 * polka({ server });
 */
export function httpServerOptions(
  options: Pick<SecurityOptions, 'maxHeaderBytes' | 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>,
): ServerOptions {
  return {
    maxHeaderSize: options.maxHeaderBytes,
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // Node checks those timeouts only this often (default 30 s, which would triple a 10 s limit).
    connectionsCheckingInterval: Math.min(30_000, Math.max(1_000, Math.floor(options.headersTimeoutMs / 2))),
    // The guard refuses an HTTP/1.1 request without Host itself, with a JSON body like every
    // other refusal (Node's own check answers an empty 400).
    requireHostHeader: false,
  };
}
