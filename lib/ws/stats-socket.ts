// /ws/stats: each socket is one subscription to a shared frame stream, so collection runs while
// somebody listens (plus the monitor's linger) and stops when the last socket goes.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Subscription } from 'rxjs';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { oneLine } from '../format/one-line.js';
import type { Logger } from '../log.js';
import type { Monitor } from '../monitor.js';
import { createFlow, type Flow } from './backpressure.js';
import { createFrameSource } from './frames.js';
import { startHeartbeat, type HeartbeatTarget } from './heartbeat.js';
import { DEFAULT_SELECTION, parseClientMessage, parseQuery, type HistoryRequest, type IntervalLimits, type Selection } from './protocol.js';
import { rawErrorResponse } from '../http/json.js';
import type { WsErrorMessage, WsHistoryMessage, WsSubscribedMessage } from '../types.js';

export const STATS_PATH = '/ws/stats';

/** Close codes this endpoint uses (RFC 6455 §7.4.1). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_TOO_BIG = 1009;

export interface StatsSocketOptions {
  /** Ping period, ms; a client that has not answered the previous ping is terminated (default 30000). */
  heartbeatMs?: number;
  /** A client with more unsent bytes than this gets frames skipped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** A client that stays over `maxBufferedBytes` this long is terminated, ms (default 30000). */
  stallTimeoutMs?: number;
  /** Client messages longer than this get an error (default 4096 bytes). */
  maxPayloadBytes?: number;
  /** Messages longer than this close the connection with 1009 (default max(64 KiB, 16 × maxPayloadBytes)). */
  hardMaxPayloadBytes?: number;
  /** Connections beyond this are refused with HTTP 503 (default 256). */
  maxClients?: number;
  /** This many invalid messages within `badMessageWindowMs` are answered; one more closes with 1008 (default 5). */
  maxBadMessages?: number;
  /** Default 60000. */
  badMessageWindowMs?: number;
  /** Requested intervals are clamped to [minIntervalMs, maxIntervalMs] (defaults 500, 60000). */
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** How long close() waits for closing handshakes before terminating, ms (default 500). */
  closeGraceMs?: number;
}

/** A refusal may carry headers (e.g. `Retry-After` with 429); they are sent with the HTTP answer. */
export type Authorization = { ok: true } | { ok: false; status: number; error: string; headers?: Record<string, string> };

export interface AttachStatsSocketOptions extends StatsSocketOptions {
  server: Server;
  monitor: Monitor;
  logger: Logger;
  /** Decides before the handshake; a refusal is answered with that HTTP status and a JSON body. */
  authorize(req: IncomingMessage): Authorization;
}

export interface StatsSocketStats {
  clients: number;
  /** Distinct selections being serialized now. */
  selections: number;
  /** Largest unsent byte count of any client now. */
  maxBufferedAmount: number;
  /** Unsent bytes over all clients now. */
  totalBufferedAmount: number;
  /** Frames sent and skipped (client behind), over the clients connected now. */
  framesSent: number;
  framesSkipped: number;
}

export interface StatsSocket {
  /** Open sockets now. */
  clientCount(): number;
  /** Backpressure figures, for health, specs and benchmarks. */
  stats(): StatsSocketStats;
  /** Sends 1001 to every client, terminates whoever has not closed within the grace, stops accepting. */
  close(): Promise<void>;
}

interface Client extends HeartbeatTarget {
  readonly ws: WebSocket;
  readonly flow: Flow;
  selection: Selection;
  subscription?: Subscription;
  /** Times of recent invalid messages (at most maxBadMessages + 1 kept). */
  bad: number[];
}

export function attachStatsSocket(options: AttachStatsSocketOptions): StatsSocket {
  const { server, monitor, logger, authorize } = options;
  const heartbeatMs = positive('heartbeatMs', options.heartbeatMs ?? 30_000);
  const maxBufferedBytes = positive('maxBufferedBytes', options.maxBufferedBytes ?? 1024 * 1024);
  const stallTimeoutMs = positive('stallTimeoutMs', options.stallTimeoutMs ?? 30_000);
  const maxPayloadBytes = positive('maxPayloadBytes', options.maxPayloadBytes ?? 4096);
  const hardMaxPayloadBytes = Math.max(maxPayloadBytes, options.hardMaxPayloadBytes ?? Math.max(64 * 1024, 16 * maxPayloadBytes));
  const maxClients = positive('maxClients', options.maxClients ?? 256);
  const maxBadMessages = positive('maxBadMessages', options.maxBadMessages ?? 5);
  const badMessageWindowMs = positive('badMessageWindowMs', options.badMessageWindowMs ?? 60_000);
  const limits: IntervalLimits = {
    minIntervalMs: positive('minIntervalMs', options.minIntervalMs ?? 500),
    maxIntervalMs: positive('maxIntervalMs', options.maxIntervalMs ?? 60_000),
  };
  if (limits.minIntervalMs > limits.maxIntervalMs) throw new RangeError('minIntervalMs must not exceed maxIntervalMs');
  const closeGraceMs = options.closeGraceMs ?? 500;

  const frames = createFrameSource(monitor);
  const clients = new Set<Client>();
  let handshakes = 0;
  let closing = false;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: hardMaxPayloadBytes,
  });

  const heartbeat = startHeartbeat({
    intervalMs: heartbeatMs,
    clients: () => clients,
    onMissed: () => logger.warnOnce('ws:heartbeat', 'WebSocket client missed a heartbeat; terminated'),
    onRound: () => {
      for (const c of clients) c.flow.checkStall();
    },
  });

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== STATS_PATH) return refuse(socket, 404, `no WebSocket endpoint at ${url.pathname}; use ${STATS_PATH}`);
    if (closing) return refuse(socket, 503, 'server shutting down');
    let verdict: Authorization;
    try {
      verdict = authorize(req);
    } catch (error) {
      logger.warnOnce('ws:authorize', `WebSocket authorization failed: ${oneLine(error)}`);
      verdict = { ok: false, status: 500, error: 'internal error while authorizing' };
    }
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.error, verdict.headers);
    if (clients.size + handshakes >= maxClients) {
      logger.warnOnce('ws:full', `WebSocket client refused: ${maxClients} already connected`);
      return refuse(socket, 503, `too many WebSocket clients (${maxClients}); try again later`, { 'Retry-After': '5' });
    }
    const query = parseQuery(url.searchParams, limits);
    handshakes++;
    wss.handleUpgrade(req, socket, head, (ws) => {
      handshakes--;
      if (closing) return void ws.close(CLOSE_GOING_AWAY, 'server shutting down');
      if (!query.ok) {
        // Accepted so that a browser can read why: one error message, then 1008.
        ws.send(JSON.stringify({ error: query.error } satisfies WsErrorMessage));
        return void ws.close(CLOSE_POLICY_VIOLATION, reason(query.error));
      }
      connect(ws, query.selection, query.history);
    });
  }

  function connect(ws: WebSocket, selection: Selection, history?: HistoryRequest) {
    const client: Client = {
      ws,
      selection,
      awaitingPong: false,
      bad: [],
      flow: createFlow(ws, {
        maxBufferedBytes,
        stallTimeoutMs,
        onStalled: () => logger.warnOnce('ws:stalled', `WebSocket client stalled for over ${stallTimeoutMs} ms; terminated`),
      }),
    };
    clients.add(client);
    heartbeat.watch(client);
    ws.on('error', (error) => logger.warnOnce(`ws:error:${error.message}`, `WebSocket client error: ${oneLine(error)}`));
    ws.on('close', () => {
      clients.delete(client);
      client.subscription?.unsubscribe();
      client.subscription = undefined;
    });
    ws.on('message', (data, isBinary) => onMessage(client, data, isBinary));
    if (history) sendHistory(client, selection, history);
    subscribe(client, selection);
  }

  function subscribe(client: Client, selection: Selection) {
    const previous = client.subscription;
    client.selection = selection;
    // New first, then old: when only the interval changes the collectors never see zero listeners.
    client.subscription = frames.frames(selection).subscribe({
      next: (frame) => client.flow.offer(frame.data),
      error: (error: unknown) => {
        logger.warnOnce('ws:stream', `stats stream failed: ${oneLine(error)}`);
        client.ws.close(1011, 'stats stream failed');
      },
    });
    previous?.unsubscribe();
  }

  function onMessage(client: Client, data: RawData, isBinary: boolean) {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    const bytes = byteLength(data);
    let result: ReturnType<typeof parseClientMessage>;
    if (isBinary) result = { ok: false, error: 'binary messages are not supported; send JSON text' };
    else if (bytes > maxPayloadBytes) result = { ok: false, error: `message too long (${bytes} bytes; at most ${maxPayloadBytes})` };
    else result = parseClientMessage(toText(data), client.selection, limits);

    if (!result.ok) {
      const now = Date.now();
      client.bad = client.bad.filter((t) => now - t < badMessageWindowMs);
      client.bad.push(now);
      if (client.bad.length > maxBadMessages) {
        logger.warnOnce('ws:garbage', 'WebSocket client closed for sending too many invalid messages');
        client.ws.close(CLOSE_POLICY_VIOLATION, 'too many invalid messages');
        return;
      }
      client.flow.control(JSON.stringify({ error: result.error } satisfies WsErrorMessage));
      return;
    }
    const selection = result.selection;
    client.flow.control(JSON.stringify({ subscribed: selection.topics, interval: frames.effectiveIntervalMs(selection) } satisfies WsSubscribedMessage));
    if (result.history) sendHistory(client, selection, result.history);
    subscribe(client, selection);
  }

  /** One `{"history": {intervalMs, samples}}` message, before the stream it precedes. */
  function sendHistory(client: Client, selection: Selection, request: HistoryRequest) {
    client.flow.control(JSON.stringify({ history: monitor.history({ topics: selection.topics, ...request }) } satisfies WsHistoryMessage));
  }

  server.on('upgrade', onUpgrade);

  function stats(): StatsSocketStats {
    const result: StatsSocketStats = {
      clients: clients.size, selections: frames.activeSelections(),
      maxBufferedAmount: 0, totalBufferedAmount: 0, framesSent: 0, framesSkipped: 0,
    };
    for (const c of clients) {
      const buffered = c.ws.bufferedAmount;
      result.maxBufferedAmount = Math.max(result.maxBufferedAmount, buffered);
      result.totalBufferedAmount += buffered;
      const flow = c.flow.stats();
      result.framesSent += flow.sent;
      result.framesSkipped += flow.skipped;
    }
    return result;
  }

  return {
    clientCount: () => clients.size,
    stats,
    async close() {
      if (closing) return;
      closing = true;
      heartbeat.stop();
      const open = [...clients];
      const closed = Promise.all(open.map((c) => new Promise<void>((resolve) => {
        if (c.ws.readyState === WebSocket.CLOSED) return resolve();
        c.ws.once('close', () => resolve());
      })));
      for (const c of open) {
        c.subscription?.unsubscribe();
        c.subscription = undefined;
        try {
          c.ws.close(CLOSE_GOING_AWAY, 'server shutting down');
        } catch {
          c.ws.terminate();
        }
      }
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), closeGraceMs);
      });
      if ((await Promise.race([closed, grace])) === 'late') {
        for (const c of open) if (c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
        await Promise.race([closed, new Promise((r) => setTimeout(r, 100))]);
      }
      clearTimeout(timer);
      server.off('upgrade', onUpgrade);
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function refuse(socket: Duplex, status: number, error: string, headers: Record<string, string> = {}) {
  if (!socket.writable) return void socket.destroy();
  socket.end(rawErrorResponse(status, error, headers));
  // A peer that never reads must not keep the socket.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Close reasons are at most 123 bytes. */
function reason(text: string): string {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= 123 ? text : buf.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '') + '...';
}

function byteLength(data: RawData): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`webSocket.${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
