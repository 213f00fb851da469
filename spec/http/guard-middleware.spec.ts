// The REST gate in front of every route: refusals answered here as JSON, CORS only for allowed
// origins, preflights answered with 204, and the route reached only by requests that pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request, type IncomingHttpHeaders } from 'node:http';
import { guardMiddleware } from '../../lib/http/guard-middleware.js';
import { sendJson } from '../../lib/http/json.js';
import { createPolicies } from '../../lib/security/guard.js';
import { resolveSecurityOptions, type SecurityInput } from '../../lib/security/options.js';
import { serveHandler, type Stub } from '../helpers/http-stub.js';

const TOKEN = '0123456789abcdef0123456789abcdef';

interface Answer { status: number; headers: IncomingHttpHeaders; body: any }

type Gate = Stub & { routed: () => number };

/** Runs `check` against a server whose only route sits behind the gate, counting requests that reach it. */
async function withGate(security: SecurityInput, check: (g: Gate) => Promise<void>): Promise<void> {
  const mw = guardMiddleware(createPolicies(resolveSecurityOptions(security, {}), { listenHost: '127.0.0.1' }));
  let routed = 0;
  const stub = await serveHandler((req, res) => mw(req, res, () => { routed++; sendJson(res, 200, { route: req.url }); }));
  try {
    await check({ ...stub, routed: () => routed });
  } finally {
    await stub.close();
  }
}

function send(url: string, headers: Record<string, string> = {}, method = 'GET', path = '/api/stats'): Promise<Answer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a request without Origin (curl, scripts) reaches the route, with the safe headers and Vary: Origin', () => withGate({}, async (g) => {
  const a = await send(g.url);
  assert.equal([a.status, a.body], [200, { route: '/api/stats' }]);
  assert.is(a.headers['x-content-type-options'], 'nosniff');
  assert.is(a.headers['cross-origin-resource-policy'], 'same-origin');
  assert.match(String(a.headers.vary), /Origin/);
  assert.is(a.headers['access-control-allow-origin'], undefined);
  assert.is(g.routed(), 1);
}));

test('an allowed page (loopback origin) gets its own origin back in CORS, never *', () => withGate({}, async (g) => {
  const a = await send(g.url, { origin: 'http://localhost:5173' });
  assert.is(a.status, 200);
  assert.is(a.headers['access-control-allow-origin'], 'http://localhost:5173');
}));

test('a foreign page is refused with a JSON 403 saying how to allow it, and the route never runs', () => withGate({}, async (g) => {
  const a = await send(g.url, { origin: 'https://evil.example' });
  assert.is(a.status, 403);
  assert.is(a.body.status, 403);
  assert.match(a.body.error, /origin https:\/\/evil\.example is not allowed.*--allow-origin/);
  assert.is(a.headers['access-control-allow-origin'], undefined);
  assert.is(g.routed(), 0);
}));

test('a rebound name in Host (DNS rebinding) is refused before the route', () => withGate({}, async (g) => {
  const a = await send(g.url, { host: 'evil.example:8765' });
  assert.is(a.status, 403);
  assert.match(a.body.error, /evil\.example/);
  assert.is(g.routed(), 0);
}));

test('a preflight from an allowed origin is answered here with 204 and CORS headers; the route never runs', () => withGate({}, async (g) => {
  const a = await send(g.url, { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' }, 'OPTIONS');
  assert.is(a.status, 204);
  assert.is(a.headers['access-control-allow-origin'], 'http://127.0.0.1:3000');
  assert.match(String(a.headers['access-control-allow-methods']), /GET/);
  assert.is(a.headers['content-length'], '0');
  assert.is(g.routed(), 0);
}));

test('with a token: refused without it (401 JSON), passed with the Bearer header', () => withGate({ token: TOKEN }, async (g) => {
  const without = await send(g.url);
  assert.is(without.status, 401);
  assert.is(without.body.status, 401);
  const wrong = await send(g.url, { authorization: `Bearer ${'x'.repeat(32)}` });
  assert.is(wrong.status, 401);
  const right = await send(g.url, { authorization: `Bearer ${TOKEN}` });
  assert.is(right.status, 200);
  assert.is(g.routed(), 1);
}));

test('over the rate limit: 429 with Retry-After, CORS headers still present for an allowed page', () => withGate({ rateLimit: { requestsPerSecond: 1, burst: 2 } }, async (g) => {
  const answers: Answer[] = [];
  for (let i = 0; i < 4; i++) answers.push(await send(g.url, { origin: 'http://localhost:5173' }));
  const refused = answers.find((a) => a.status === 429);
  assert.ok(refused, answers.map((a) => a.status).join(','));
  assert.ok(Number(refused!.headers['retry-after']) >= 1);
  assert.is(refused!.headers['access-control-allow-origin'], 'http://localhost:5173', 'so the page can read why');
}));

test.run();
