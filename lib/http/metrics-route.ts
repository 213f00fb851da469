// GET /metrics: one stats message read like every REST read, through monitor.warm (the replay when
// warm; a scrape on an idle service wakes the collectors), rendered in the Prometheus text format.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import type { Monitor } from '../monitor.js';
import { CONTENT_TYPE } from '../metrics/exposition.js';
import { readProcessInfo } from '../metrics/process-info.js';
import { renderMetrics, type MetricsOptions } from '../metrics/render.js';
import { selectProcesses } from '../collectors/process-matcher.js';

export type StreamRead = <T>(source: Observable<T>) => Promise<T>;

export interface MetricsContext {
  monitor: Monitor;
  version: string;
  /** Live WebSocket clients. */
  activeConnections(): number;
  metrics?: MetricsOptions;
}

export function metricsRoute(ctx: MetricsContext, read: StreamRead) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const perPid = ctx.metrics?.perPid === true;
    // Per name, the sums cover every AI/ML process, not only the top N that stats.processes lists.
    const [stats, all] = await Promise.all([read(ctx.monitor.warm.stats$), perPid ? undefined : read(ctx.monitor.warm.allProcesses$)]);
    const aiProcesses = all && selectProcesses(all, { matcher: ctx.monitor.options.processes.matcher, limit: Infinity });
    const text = renderMetrics(stats, ctx.monitor.health(), readProcessInfo(), {
      version: ctx.version,
      webSocketClients: ctx.activeConnections(),
    }, { perPid, ...(aiProcesses ? { aiProcesses } : {}) });
    if (res.headersSent || res.writableEnded) return;
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(text);
  };
}
