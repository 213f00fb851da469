// /ws/stats: each socket is one subscription to a shared frame stream, so collection runs while
// somebody listens (plus the monitor's linger) and stops when the last socket goes. The pieces:
// upgrade.ts (which requests get a handshake), client-session.ts (one client's stream and
// messages), heartbeat.ts, backpressure.ts, close-clients.ts.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { WebSocketServer } from 'ws';
import type { Logger } from '../log.js';
import type { Monitor } from '../monitor.js';
import { startSession, type ClientSession } from './client-session.js';
import { closeClients } from './close-clients.js';
import { createFrameSource } from './frames.js';
import { startHeartbeat } from './heartbeat.js';
import { resolveSocketOptions, type StatsSocketOptions } from './socket-options.js';
import type { Authorization } from './endpoint.js';
import { createUpgradeHandler } from './upgrade.js';

export { STATS_PATH, CLOSE_GOING_AWAY, CLOSE_POLICY_VIOLATION, CLOSE_TOO_BIG, type Authorization } from './endpoint.js';
export type { StatsSocketOptions } from './socket-options.js';

export interface AttachStatsSocketOptions extends StatsSocketOptions {
  server: HttpServer | HttpsServer;
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

export function attachStatsSocket(options: AttachStatsSocketOptions): StatsSocket {
  const { server, monitor, logger, authorize } = options;
  const resolved = resolveSocketOptions(options);
  const frames = createFrameSource(monitor);
  const clients = new Set<ClientSession>();
  let closing = false;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    // Compression costs memory per client and invites compression bombs; the payloads are small.
    perMessageDeflate: false,
    maxPayload: resolved.hardMaxPayloadBytes,
  });

  const heartbeat = startHeartbeat({
    intervalMs: resolved.heartbeatMs,
    clients: () => clients,
    onMissed: () => logger.warnOnce('ws:heartbeat', 'WebSocket client missed a heartbeat; terminated'),
    onRound: () => {
      for (const c of clients) c.flow.checkStall();
    },
  });

  const onUpgrade = createUpgradeHandler({
    wss,
    logger,
    authorize,
    maxClients: resolved.maxClients,
    limits: resolved.limits,
    clientCount: () => clients.size,
    closing: () => closing,
    onClient(ws, selection, history) {
      const session = startSession(ws, selection, {
        frames, logger, options: resolved, onClose: (s) => clients.delete(s),
        history: (request, topics) => monitor.history({ topics, ...request }),
      }, history);
      clients.add(session);
      heartbeat.watch(session);
    },
  });
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
      for (const c of open) c.unsubscribe();
      await closeClients(open.map((c) => c.ws), resolved.closeGraceMs);
      server.off('upgrade', onUpgrade);
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
