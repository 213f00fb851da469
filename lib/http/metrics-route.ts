// GET /metrics: one stats message read like every REST read, through monitor.warm (the replay when
// warm; a scrape on an idle service wakes the collectors), rendered in the Prometheus text format.
import type { Observable } from 'rxjs';
import { CONTENT_TYPE } from '../metrics/exposition.js';
import { readProcessInfo } from '../metrics/process-info.js';
import { renderMetrics } from '../metrics/render.js';
import type { Handler, RouteContext } from './routes.js';

export type StreamRead = <T>(source: Observable<T>) => Promise<T>;

export function metricsRoute(ctx: RouteContext, read: StreamRead): Handler {
  return async (_req, res) => {
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
