// The HTTP side of /ws/stats: which upgrade requests become WebSocket handshakes. Every refusal
// is an HTTP answer with a JSON body, sent before any handshake.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { oneLine } from '../format/one-line.js';
import { rawErrorResponse } from '../http/json.js';
import type { Logger } from '../log.js';
import type { WsErrorMessage } from '../types.js';
import { CLOSE_GOING_AWAY, CLOSE_POLICY_VIOLATION, STATS_PATH, type Authorization } from './endpoint.js';
import { parseQuery, type HistoryRequest, type IntervalLimits, type Selection } from './protocol.js';

export interface UpgradeOptions {
  wss: WebSocketServer;
  logger: Logger;
  authorize(req: IncomingMessage): Authorization;
  maxClients: number;
  limits: IntervalLimits;
  /** Open sockets now. */
  clientCount(): number;
  closing(): boolean;
  /** A handshake completed with a valid query: the client starts with this selection. */
  /** `history`: recent history the client asked for on the URL (`?history=1` or an ISO time). */
  onClient(ws: WebSocket, selection: Selection, history?: HistoryRequest): void;
}

/** The `upgrade` listener for the HTTP(S) server. */
export function createUpgradeHandler(options: UpgradeOptions): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { wss, logger, authorize, maxClients, limits } = options;
  let handshakes = 0;

  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== STATS_PATH) return refuse(socket, 404, `no WebSocket endpoint at ${url.pathname}; use ${STATS_PATH}`);
    if (options.closing()) return refuse(socket, 503, 'server shutting down');
    let verdict: Authorization;
    try {
      verdict = authorize(req);
    } catch (error) {
      logger.warnOnce('ws:authorize', `WebSocket authorization failed: ${oneLine(error)}`);
      verdict = { ok: false, status: 500, error: 'internal error while authorizing' };
    }
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.error, verdict.headers);
    if (options.clientCount() + handshakes >= maxClients) {
      logger.warnOnce('ws:full', `WebSocket client refused: ${maxClients} already connected`);
      return refuse(socket, 503, `too many WebSocket clients (${maxClients}); try again later`, { 'Retry-After': '5' });
    }
    const query = parseQuery(url.searchParams, limits);
    handshakes++;
    wss.handleUpgrade(req, socket, head, (ws) => {
      handshakes--;
      if (options.closing()) return void ws.close(CLOSE_GOING_AWAY, 'server shutting down');
      if (!query.ok) {
        // Accepted so that a browser can read why: one error message, then 1008.
        ws.send(JSON.stringify({ error: query.error } satisfies WsErrorMessage));
        return void ws.close(CLOSE_POLICY_VIOLATION, closeReason(query.error));
      }
      options.onClient(ws, query.selection, query.history);
    });
  };
}

function refuse(socket: Duplex, status: number, error: string, headers: Record<string, string> = {}) {
  if (!socket.writable) return void socket.destroy();
  socket.end(rawErrorResponse(status, error, headers));
  // A peer that never reads must not keep the socket.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Close reasons are at most 123 bytes. */
function closeReason(text: string): string {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= 123 ? text : buf.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '') + '...';
}
