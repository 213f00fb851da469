import type { IncomingMessage, ServerResponse } from 'node:http';
import { firstValueFrom, map, timeout } from 'rxjs';
import type { Monitor } from '../monitor.js';
import type { HealthResponse, Topic } from '../types.js';
import { TOPICS } from '../types.js';
import { sendError, sendJson } from './json.js';
import { selectProcesses } from '../collectors/process-matcher.js';
import { DASHBOARD_HTML, DASHBOARD_HEADERS } from '../dashboard/page.js';
import { parseHistoryQuery } from '../history/query.js';
import { metricsRoute } from './metrics-route.js';
import type { MetricsOptions } from '../metrics/render.js';
import { openApiRoute } from './openapi-route.js';

export interface RouteContext {
  monitor: Monitor;
  version: string;
  /** Live WebSocket clients, for /api/health's activeConnections. */
  activeConnections(): number;
  startedAt: number;
  /** A REST read waiting longer than this for the stream answers 503. */
  readTimeoutMs: number;
  /** How /metrics shapes per-process series. */
  metrics?: MetricsOptions;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => Promise<void> | void;

export const MAX_PROCESS_LIMIT = 1000;

/** Path -> GET handler. Every other method on a known path is a 405. */
export function createRoutes(ctx: RouteContext): Map<string, Handler> {
  const routes = new Map<string, Handler>();
  const read = <T>(source: import('rxjs').Observable<T>) =>
    firstValueFrom(source.pipe(timeout({ first: ctx.readTimeoutMs, with: () => { throw new ReadTimeout(ctx.readTimeoutMs); } })));

  routes.set('/api/health', (_req, res) => {
    const body: HealthResponse = {
      status: 'healthy',
      service: 'widgets-service',
      version: ctx.version,
      activeConnections: ctx.activeConnections(),
      timestamp: new Date().toISOString(),
      uptime: Math.round((Date.now() - ctx.startedAt) / 1000),
      collectors: ctx.monitor.health(),
    };
    sendJson(res, 200, body);
  });

  routes.set('/api/stats', async (_req, res) => sendJson(res, 200, await read(ctx.monitor.warm.stats$)));

  for (const topic of TOPICS) {
    if (topic === 'processes') continue;
    routes.set(`/api/stats/${topic}`, async (_req, res) => sendJson(res, 200, await read(ctx.monitor.warm.topic(topic as Topic))));
  }

  routes.set('/api/stats/processes', async (_req, res, query) => {
    const scope = query.get('scope') ?? 'ai';
    if (scope !== 'ai' && scope !== 'all') return sendError(res, 400, `scope must be "ai" or "all", got "${scope}"`);
    const limitText = query.get('limit');
    const limit = limitText === null ? ctx.monitor.options.processes.limit : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PROCESS_LIMIT) {
      return sendError(res, 400, `limit must be an integer from 1 to ${MAX_PROCESS_LIMIT}, got "${limitText}"`);
    }
    const { matcher } = ctx.monitor.options.processes;
    const source = ctx.monitor.warm.allProcesses$.pipe(
      map((all) => (scope === 'all' ? all.slice(0, limit) : selectProcesses(all, { matcher, limit }))),
    );
    sendJson(res, 200, await read(source));
  });

  routes.set('/', (_req, res) => {
    res.writeHead(200, DASHBOARD_HEADERS);
    res.end(DASHBOARD_HTML);
  });

  // Reads what was kept; never wakes a collector.
  routes.set('/api/history', (_req, res, query) => {
    const parsed = parseHistoryQuery(query);
    if (!parsed.ok) return sendError(res, 400, parsed.error);
    sendJson(res, 200, ctx.monitor.history(parsed.value));
  });

  routes.set('/metrics', metricsRoute(ctx, read));
  routes.set('/api/openapi.json', openApiRoute(ctx.version, () => [...routes.keys()]));

  return routes;
}

export class ReadTimeout extends Error {
  constructor(ms: number) {
    super(`no stats within ${ms} ms`);
  }
}
