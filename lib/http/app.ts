import type { IncomingMessage, ServerResponse } from 'node:http';
import polka from 'polka';
import { oneLine } from '../format/one-line.js';
import type { Logger } from '../log.js';
import { sendError } from './json.js';
import { ReadTimeout, type Handler } from './routes.js';

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface AppOptions {
  routes: Map<string, Handler>;
  /** Run before routing, in order (security guard, CORS). */
  middleware: Middleware[];
  logger: Logger;
}

/** Paths that exist but are not plain REST reads (answered here only when not upgraded). */
const UPGRADE_ONLY = new Set(['/ws/stats']);

export function createApp({ routes, middleware, logger }: AppOptions) {
  const app = polka({
    onNoMatch: (req: IncomingMessage, res: ServerResponse) => {
      const path = pathOf(req);
      if (UPGRADE_ONLY.has(path)) return sendError(res, 400, `${path} is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)`);
      if (routes.has(path)) return sendError(res, 405, `method ${req.method} not allowed on ${path}; use GET`, { Allow: 'GET, HEAD, OPTIONS' });
      sendError(res, 404, `no such endpoint: ${path}`);
    },
  });
  for (const m of middleware) app.use(m);
  for (const [path, handler] of routes) {
    // HEAD runs the GET handler: Node sends the same status and headers and drops the body.
    const serve = (req: IncomingMessage, res: ServerResponse) => {
      const query = new URLSearchParams((req as IncomingMessage & { search?: string }).search ?? '');
      Promise.resolve()
        .then(() => handler(req, res, query))
        .catch((error: unknown) => {
          if (error instanceof ReadTimeout) return sendError(res, 503, `stats unavailable: ${error.message}`, { 'Retry-After': '2' });
          logger.warnOnce(`handler:${path}`, `GET ${path} failed: ${oneLine(error)}`);
          sendError(res, 500, `internal error while answering ${path}`);
        });
    };
    app.get(path, serve);
    app.head(path, serve);
  }
  return app;
}

function pathOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { path?: string }).path ?? new URL(req.url ?? '/', 'http://x').pathname;
}
