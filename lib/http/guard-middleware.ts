import type { Middleware } from './app.js';
import { sendError } from './json.js';
import { checkRequest, corsHeaders, SAFE_RESPONSE_HEADERS, type Policies } from '../security/guard.js';

/**
 * The REST gate: size, rate, Host, Origin and token checks, then CORS for allowed origins only.
 * Preflights from allowed origins are answered here with 204 and never reach a route.
 */
export function guardMiddleware(policies: Policies): Middleware {
  return (req, res, next) => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    const cors = corsHeaders(origin, policies.origin, {
      preflight,
      requestHeaders: req.headers['access-control-request-headers'],
      requestPrivateNetwork: req.headers['access-control-request-private-network'] === 'true',
    });
    const verdict = checkRequest(req, policies);
    if (!verdict.ok) return sendError(res, verdict.status, verdict.error, { ...cors, ...verdict.headers });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, ...SAFE_RESPONSE_HEADERS, 'Content-Length': '0' });
      res.end();
      return;
    }
    for (const [name, value] of Object.entries({ ...cors, ...SAFE_RESPONSE_HEADERS })) res.setHeader(name, value);
    next();
  };
}
