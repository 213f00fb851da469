// GET /metrics: one stats message read like every REST read, through monitor.warm (the replay when
// warm; a scrape on an idle service wakes the collectors), rendered in the Prometheus text format.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import type { Monitor } from '../monitor.js';
import { CONTENT_TYPE } from '../metrics/exposition.js';
import { readProcessInfo } from '../metrics/process-info.js';
import { renderMetrics } from '../metrics/render.js';

export type StreamRead = <T>(source: Observable<T>) => Promise<T>;

export interface MetricsContext {
  monitor: Monitor;
  version: string;
  /** Live WebSocket clients. */
  activeConnections(): number;
}

export function metricsRoute(ctx: MetricsContext, read: StreamRead) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const stats = await read(ctx.monitor.warm.stats$);
    const text = renderMetrics(stats, ctx.monitor.health(), readProcessInfo(), {
      version: ctx.version,
      webSocketClients: ctx.activeConnections(),
    });
    if (res.headersSent || res.writableEnded) return;
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(text);
  };
}
