import { STATUS_CODES, createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { oneLine } from './format/one-line.js';
import { SERVICE_DEFAULTS } from './defaults.js';
import { checkPositive, checkWhole } from './option-check.js';
import { createApp, type Middleware } from './http/app.js';
import { clientErrorStatus, type ParserError } from './http/client-error.js';
import { rawErrorResponse } from './http/json.js';
import { guardMiddleware } from './http/guard-middleware.js';
import { createRoutes } from './http/routes.js';
import { createLogger, type Logger } from './log.js';
import { createMonitor, type Monitor, type MonitorOptions } from './monitor.js';
import type { MetricsOptions } from './metrics/render.js';
import { VERSION } from './version.js';
import { watchIdle, type IdleWatch } from './lifecycle/idle-watch.js';
import { checkBinding, isLoopbackHost } from './security/binding.js';
import { checkRequest, createPolicies } from './security/guard.js';
import { resolveSecurityOptions, type SecurityInput } from './security/options.js';
import { httpServerOptions } from './security/server-options.js';
import { attachStatsSocket, type StatsSocketOptions } from './ws/stats-socket.js';

export interface ServerOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 8765; 0 picks a free port. */
  port?: number;
  logger?: Logger;
  /** Token, allowed origins and hosts, rate and size limits (see README "Security"). */
  security?: SecurityInput;
  /** Environment read for WIDGETS_TOKEN (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Call `onIdle` once no client has connected or read for this long (ms). */
  idleExitMs?: number;
  onIdle?: () => void;
  /** WebSocket limits and timings (client cap, message size and rate, heartbeat, backpressure). */
  webSocket?: StatsSocketOptions;
  /** Serve HTTPS and WSS on the same port with this certificate chain and private key (PEM). */
  tls?: TlsOptions;
  /** GET /metrics: `{ perPid: true }` for one series per process (pid label) instead of one per name. */
  metrics?: MetricsOptions;
}

export interface TlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

export type Server = HttpServer | HttpsServer;

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  server: Server;
  monitor: Monitor;
  /** Stops accepting, closes every socket and lets collection stop. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = SERVICE_DEFAULTS.port;
export const DEFAULT_HOST = SERVICE_DEFAULTS.host;

/** Serves an existing monitor over REST (and WebSocket). */
export async function createServer(monitor: Monitor, options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const port = checkPort(options.port ?? DEFAULT_PORT);
  const logger = options.logger ?? createLogger({ quiet: true });
  const startedAt = Date.now();
  if (options.idleExitMs !== undefined) checkPositive('idleExitMs', options.idleExitMs);

  const security = resolveSecurityOptions(options.security ?? {}, options.env ?? process.env);
  const refusal = checkBinding(host, security.token);
  if (refusal) throw new Error(refusal);
  const policies = createPolicies(security, { listenHost: host });
  const tls = options.tls;
  if (tls !== undefined && (!tls || !tls.cert || !tls.key)) throw new RangeError('tls needs both cert and key (PEM)');
  if (!tls && security.token !== undefined && !isLoopbackHost(host)) {
    logger.warnOnce('tls:clear', `listening on ${host || 'all interfaces'} without TLS: the token and the telemetry cross the network in clear text; use --tls-cert/--tls-key or a TLS reverse proxy`);
  }

  const server = await createTransport(httpServerOptions(security), tls, logger);
  server.setTimeout(security.idleTimeoutMs);
  const sockets = attachStatsSocket({
    server,
    monitor,
    logger,
    authorize: (req) => checkRequest(req, policies),
    ...options.webSocket,
  });
  const routes = createRoutes({
    monitor,
    version: VERSION,
    activeConnections: () => sockets.clientCount(),
    startedAt,
    readTimeoutMs: monitor.options.firstSampleTimeoutMs + monitor.options.timeoutMs + 1000,
    metrics: { perPid: options.metrics?.perPid === true },
  });
  const middleware: Middleware[] = [guardMiddleware(policies)];
  const app = createApp({ routes, middleware, logger });
  server.on('request', app.handler);
  // CONNECT (proxy tunnelling) is not something this service does; without a listener Node drops the socket.
  server.on('connect', (_req, socket) => {
    socket.end(rawErrorResponse(405, 'method CONNECT not allowed; use GET'));
  });
  server.on('clientError', (err: NodeJS.ErrnoException & ParserError, socket) => {
    if (!socket.writable) return void socket.destroy();
    const status = clientErrorStatus(err, security.maxUrlBytes);
    socket.end(rawErrorResponse(status, (STATUS_CODES[status] ?? 'bad request').toLowerCase()));
  });

  let idle: IdleWatch | undefined;
  if (options.idleExitMs !== undefined) {
    const onIdle = options.onIdle ?? (() => {});
    idle = watchIdle({ idleMs: options.idleExitMs, isBusy: () => sockets.clientCount() > 0, onIdle });
    server.on('request', idle.touch);
    server.on('upgrade', idle.touch);
  }

  await listen(server, port, host).catch((error: unknown) => {
    idle?.stop();
    void sockets.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    server,
    monitor,
    close: async () => {
      idle?.stop();
      await sockets.close();
      await closeServer(server);
    },
  };
}

/** Creates a monitor and serves it. */
export async function startServer(options: ServerOptions & { monitor?: MonitorOptions } = {}): Promise<RunningServer> {
  const monitor = createMonitor({ ...options.monitor, ...(options.logger && !options.monitor?.logger ? { logger: options.logger } : {}) });
  try {
    const running = await createServer(monitor, options);
    // The monitor is this server's own: closing the server stops collection at once, no linger.
    return { ...running, close: () => running.close().finally(() => monitor.close()) };
  } catch (error) {
    monitor.close();
    throw error;
  }
}

export function checkPort(port: unknown): number {
  return checkWhole('port', port, 0, 65535);
}

/**
 * Plain HTTP, or HTTPS with the same limits. On the TLS port a plain-HTTP request fails the
 * handshake and its connection is closed (Node gives no way to answer it in clear text).
 */
async function createTransport(serverOptions: ReturnType<typeof httpServerOptions>, tls: TlsOptions | undefined, logger: Logger): Promise<Server> {
  if (!tls) return createHttpServer(serverOptions);
  // node:https (and tls) only when serving TLS: about 1 MB of the node binary stays untouched otherwise.
  const { createServer: createHttpsServer } = await import('node:https');
  let server: HttpsServer;
  try {
    server = createHttpsServer({ ...serverOptions, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
  } catch (error) {
    throw new Error(`cannot use the TLS certificate and key: ${oneLine(error)}`);
  }
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ERR_SSL_HTTP_REQUEST') {
      logger.warnOnce('tls:plain', 'refused a plain HTTP request on the TLS port; clients must use https:// and wss://');
    } else {
      logger.warnOnce(`tls:${error.code ?? 'error'}`, `TLS handshake failed: ${oneLine(error)}`);
    }
  });
  return server;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(new Error(describeListenError(error, port, host)));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function describeListenError(error: NodeJS.ErrnoException, port: number, host: string): string {
  switch (error.code) {
    case 'EADDRINUSE': return `port ${port} is already in use on ${host}; pick another port (e.g. widgets-service ${port + 1})`;
    case 'EACCES': return `permission denied to listen on port ${port} on ${host}; use a port above 1023`;
    case 'EADDRNOTAVAIL': return `cannot listen on ${host}:${port}: ${host} is not an address of this machine`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `cannot listen on ${host}:${port}: unknown host ${host}`;
    default: return `cannot listen on ${host}:${port}: ${error.message}`;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
