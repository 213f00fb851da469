import type { Middleware } from './app.js';

/** Placeholder CORS until the origin policy lands: the original's behaviour. */
export function corsMiddleware(): Middleware {
  return (req, res, next) => {
    res.setHeader('Vary', 'Origin');
    if (req.headers.origin) res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': req.headers['access-control-request-method'] ?? 'GET, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    next();
  };
}
