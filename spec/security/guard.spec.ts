import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkRequest,
  clientKey,
  corsHeaders,
  rateKey,
  createPolicies,
  type GuardRequest,
} from '../../lib/security/guard.js';
import { resolveSecurityOptions } from '../../lib/security/options.js';
import { httpServerOptions } from '../../lib/security/server-options.js';

const TOKEN = '0123456789abcdef0123456789abcdef';

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

function policiesFor(input: Parameters<typeof resolveSecurityOptions>[0] = {}, listenHost = '127.0.0.1') {
  const clock = fakeClock();
  return { clock, policies: createPolicies(resolveSecurityOptions(input, {}), { listenHost, now: clock.now }) };
}

function req(headers: IncomingHttpHeaders, url = '/api/stats', method = 'GET', remoteAddress = '127.0.0.1'): GuardRequest {
  return { method, url, headers, socket: { remoteAddress } };
}

test('a local browser page and a header-less client both pass, returning the parsed URL', () => {
  const { policies } = policiesFor();
  const page = checkRequest(req({ host: 'localhost:8765', origin: 'http://localhost:5173' }, '/api/stats/cpu?x=1'), policies);
  assert.ok(page.ok);
  if (page.ok) assert.is(page.url.pathname, '/api/stats/cpu');
  assert.ok(checkRequest(req({ host: '127.0.0.1:8765' }), policies).ok);
  assert.ok(checkRequest({ ...req({}), httpVersion: '1.0' }, policies).ok, 'HTTP/1.0 without Host');
});

test('an HTTP/1.1 request without Host and an absolute-form target are 400s', () => {
  const { policies } = policiesFor();
  const noHost = checkRequest({ ...req({}), httpVersion: '1.1' }, policies);
  assert.is(noHost.ok ? 200 : noHost.status, 400);
  const absolute = checkRequest(req({ host: '127.0.0.1:8765' }, 'http://evil.example/api/health'), policies);
  assert.is(absolute.ok ? 200 : absolute.status, 400);
  if (!absolute.ok) assert.not.match(absolute.error, /evil/);
});

test('file:// passes; Origin null is refused by default with how to allow it, and passes with allowNullOrigin', () => {
  const { policies } = policiesFor();
  assert.ok(checkRequest(req({ host: 'localhost:8765', origin: 'file://', upgrade: 'websocket' }, '/ws/stats'), policies).ok);
  const refused = checkRequest(req({ host: 'localhost:8765', origin: 'null' }), policies);
  assert.is(refused.ok ? 0 : refused.status, 403);
  assert.match(refused.ok ? '' : refused.error, /--allow-null-origin/);
  const ws = checkRequest(req({ host: 'localhost:8765', origin: 'null', upgrade: 'websocket' }, '/ws/stats'), policies);
  assert.is(ws.ok ? 0 : ws.status, 403);
  const open = policiesFor({ allowNullOrigin: true }).policies;
  assert.ok(checkRequest(req({ host: 'localhost:8765', origin: 'null' }), open).ok);
});

test('a foreign origin is refused with 403 and how to allow it', () => {
  const { policies } = policiesFor();
  const v = checkRequest(req({ host: 'localhost:8765', origin: 'https://evil.example' }), policies);
  assert.equal(v, {
    ok: false,
    status: 403,
    error: 'origin https://evil.example is not allowed; start with --allow-origin https://evil.example to permit it',
  });
  const ws = checkRequest(req({ host: 'localhost:8765', origin: 'https://evil.example', upgrade: 'websocket' }, '/ws/stats'), policies);
  assert.is(ws.ok ? 0 : ws.status, 403, 'cross-site WebSocket hijacking refused');
});

test('a rebinding Host is refused with 403; a malformed one with 400', () => {
  const { policies } = policiesFor();
  const v = checkRequest(req({ host: 'evil.example:8765', origin: 'http://evil.example:8765' }), policies);
  assert.ok(!v.ok && v.status === 403 && /host evil\.example:8765 is not allowed.*DNS rebinding.*--allow-host evil\.example/.test(v.error), JSON.stringify(v));
  const bad = checkRequest(req({ host: 'a b' }), policies);
  assert.ok(!bad.ok && bad.status === 400 && /malformed Host/.test(bad.error));
});

test('a too-long target is refused with 414 before anything else', () => {
  const { policies } = policiesFor();
  const v = checkRequest(req({ host: 'evil.example' }, `/api/stats?${'a'.repeat(9000)}`), policies);
  assert.ok(!v.ok && v.status === 414 && /limit is 8192/.test(v.error));
});

test('with a token: REST needs the Bearer header, the upgrade also takes ?token=', () => {
  const { policies } = policiesFor({ token: TOKEN });
  const none = checkRequest(req({ host: 'localhost' }), policies);
  assert.equal(none, {
    ok: false,
    status: 401,
    error: 'a token is required; send Authorization: Bearer <token>',
    headers: { 'WWW-Authenticate': 'Bearer realm="widgets-service"' },
  });
  const wrong = checkRequest(req({ host: 'localhost', authorization: 'Bearer nope-nope-nope-nope' }), policies);
  assert.ok(!wrong.ok && wrong.status === 401 && wrong.error.startsWith('the token is wrong') && /invalid_token/.test(wrong.headers?.['WWW-Authenticate'] ?? ''));
  assert.ok(checkRequest(req({ host: 'localhost', authorization: `Bearer ${TOKEN}` }), policies).ok);
  assert.not.ok(checkRequest(req({ host: 'localhost' }, `/api/stats?token=${TOKEN}`), policies).ok, 'no query token on REST');
  assert.ok(checkRequest(req({ host: 'localhost', upgrade: 'websocket' }, `/ws/stats?token=${TOKEN}`), policies).ok);
  const wsNone = checkRequest(req({ host: 'localhost', upgrade: 'websocket' }, '/ws/stats'), policies);
  assert.ok(!wsNone.ok && /\?token=<token>/.test(wsNone.error));
});

test('CORS preflights skip the token (browsers never send it there) but not origin checks', () => {
  const { policies } = policiesFor({ token: TOKEN });
  assert.ok(checkRequest(req({ host: 'localhost', origin: 'http://localhost:5173' }, '/api/stats', 'OPTIONS'), policies).ok);
  assert.not.ok(checkRequest(req({ host: 'localhost', origin: 'https://evil.example' }, '/api/stats', 'OPTIONS'), policies).ok);
});

test('the rate limit answers 429 with Retry-After, per address, and recovers', () => {
  const { policies, clock } = policiesFor({ rateLimit: { requestsPerSecond: 1, burst: 2 } });
  const from = (addr: string) => checkRequest(req({ host: 'localhost' }, '/api/stats', 'GET', addr), policies);
  assert.ok(from('10.0.0.1').ok);
  assert.ok(from('::ffff:10.0.0.1').ok, 'IPv4-mapped counts as the same client');
  const limited = from('10.0.0.1');
  assert.equal(limited, {
    ok: false,
    status: 429,
    error: 'too many requests from this client; retry in 1 s',
    headers: { 'Retry-After': '1' },
  });
  assert.ok(from('10.0.0.2').ok, 'another address is unaffected');
  clock.advance(1000);
  assert.ok(from('10.0.0.1').ok);
});

test('refused requests still count toward the rate limit (token guessing is throttled)', () => {
  const { policies } = policiesFor({ token: TOKEN, rateLimit: { requestsPerSecond: 1, burst: 3 } });
  const guess = () => checkRequest(req({ host: 'localhost', authorization: 'Bearer guess-guess-guess-guess' }, '/api/stats', 'GET', '203.0.113.9'), policies);
  const statuses = [guess(), guess(), guess(), guess()].map((v) => (v.ok ? 200 : v.status));
  assert.equal(statuses, [401, 401, 401, 429]);
});

test('refusals before serving (size, target, Host, Origin, cross-site no-cors) spend no rate budget', () => {
  const { policies } = policiesFor({ rateLimit: { requestsPerSecond: 1, burst: 2 } });
  const local = () => checkRequest(req({ host: 'localhost' }, '/api/stats', 'GET', '127.0.0.1'), policies);
  for (let i = 0; i < 50; i++) {
    for (const refused of [
      req({ host: 'localhost' }, '/' + 'a'.repeat(9000)),
      req({ host: 'localhost' }, '//[bad'),
      req({ host: 'evil.example' }),
      req({ host: 'localhost', origin: 'https://evil.example' }),
      req({ host: 'localhost', origin: 'null' }),
      req({ host: 'localhost', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }),
    ]) {
      const v = checkRequest(refused, policies);
      assert.ok(!v.ok && v.status !== 429, `refused without spending: ${v.ok ? 200 : v.status}`);
    }
  }
  assert.ok(local().ok);
  assert.ok(local().ok, 'the whole burst is still there');
  assert.not.ok(local().ok);
});

test('budgets are per address and browser origin: a flooding page cannot lock out programs or other pages', () => {
  const { policies } = policiesFor({ rateLimit: { requestsPerSecond: 1, burst: 3 } });
  const page = () => checkRequest(req({ host: 'localhost', origin: 'http://localhost:5173' }), policies);
  for (let i = 0; i < 3; i++) assert.ok(page().ok);
  assert.is((page() as { status: number }).status, 429, 'the page spent its own budget');
  assert.ok(checkRequest(req({ host: 'localhost' }), policies).ok, 'curl / the Electron main process on the same address');
  assert.ok(checkRequest(req({ host: 'localhost', origin: 'http://localhost:3000' }), policies).ok, 'another local page');
  assert.ok(checkRequest(req({ host: 'localhost', 'sec-fetch-site': 'same-site' }), policies).ok, 'a same-site no-cors load has its own budget');
});

test('rateKey: on loopback programs share the address, browser requests are keyed by origin or fetch site', () => {
  const at = (headers: IncomingHttpHeaders) => rateKey({ headers, socket: { remoteAddress: '::ffff:127.0.0.1' } });
  assert.is(at({}), '127.0.0.1');
  assert.is(at({ origin: 'http://localhost:5173' }), '127.0.0.1 origin http://localhost:5173');
  assert.is(at({ 'sec-fetch-site': 'same-site' }), '127.0.0.1 fetch same-site');
  const lan = (headers: IncomingHttpHeaders) => rateKey({ headers, socket: { remoteAddress: '192.0.2.7' } });
  assert.is(lan({ origin: 'http://localhost:5173' }), '192.0.2.7', 'from another machine an Origin is just a header: the address alone');
  assert.is(lan({ 'sec-fetch-site': 'cross-site' }), '192.0.2.7');
});

test('from another machine, rotating the Origin buys no extra budget (token guessing stays throttled)', () => {
  const { policies } = policiesFor({ token: TOKEN, rateLimit: { requestsPerSecond: 1, burst: 3 } });
  const statuses = Array.from({ length: 6 }, (_, i) => {
    const v = checkRequest(req({ host: 'localhost', origin: `http://localhost:${5000 + i}`, authorization: 'Bearer guess-guess-guess-guess' }, '/api/stats', 'GET', '192.0.2.7'), policies);
    return v.ok ? 200 : v.status;
  });
  assert.equal(statuses, [401, 401, 401, 429, 429, 429]);
});

test('a cross-site request without CORS is refused; a top-level navigation and same-origin loads are not', () => {
  const { policies } = policiesFor();
  const status = (headers: IncomingHttpHeaders) => {
    const v = checkRequest(req({ host: 'localhost', ...headers }), policies);
    return v.ok ? 200 : v.status;
  };
  assert.is(status({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'empty' }), 403);
  assert.is(status({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }), 200);
  assert.is(status({ 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }), 200, 'typed into the address bar');
  assert.is(status({ 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' }), 200);
});

test('clientKey folds IPv4-mapped addresses', () => {
  assert.is(clientKey('::ffff:192.0.2.1'), '192.0.2.1');
  assert.is(clientKey('2001:DB8::1'), '2001:db8::1');
  assert.is(clientKey(undefined), 'unknown');
});

test('corsHeaders reflects only allowed origins and always varies on Origin', () => {
  const { policies } = policiesFor();
  assert.equal(corsHeaders('http://localhost:5173', policies.origin), { Vary: 'Origin', 'Access-Control-Allow-Origin': 'http://localhost:5173' });
  assert.equal(corsHeaders('null', policies.origin), { Vary: 'Origin' }, 'null is refused by default');
  const open = policiesFor({ allowNullOrigin: true }).policies;
  assert.equal(corsHeaders('null', open.origin), { Vary: 'Origin', 'Access-Control-Allow-Origin': 'null' });
  assert.equal(corsHeaders('https://evil.example', policies.origin), { Vary: 'Origin' });
  assert.equal(corsHeaders(undefined, policies.origin), { Vary: 'Origin' });
});

test('preflight headers: GET and OPTIONS, requested headers echoed when well-formed, max-age', () => {
  const { policies } = policiesFor();
  const h = corsHeaders('http://localhost:5173', policies.origin, { preflight: true, requestHeaders: 'authorization, content-type', requestPrivateNetwork: true });
  assert.is(h['Access-Control-Allow-Origin'], 'http://localhost:5173');
  assert.is(h['Access-Control-Allow-Methods'], 'GET, OPTIONS');
  assert.is(h['Access-Control-Allow-Headers'], 'authorization, content-type');
  assert.is(h['Access-Control-Allow-Private-Network'], 'true');
  assert.is(h['Access-Control-Max-Age'], '600');
  assert.match(h.Vary ?? '', /^Origin/);
  const odd = corsHeaders('http://localhost:5173', policies.origin, { preflight: true, requestHeaders: 'x-a, bad header\u0000' });
  assert.is(odd['Access-Control-Allow-Headers'], undefined);
  const evil = corsHeaders('https://evil.example', policies.origin, { preflight: true, requestHeaders: 'authorization', requestPrivateNetwork: true });
  assert.is(evil['Access-Control-Allow-Methods'], undefined);
  assert.is(evil['Access-Control-Allow-Origin'], undefined);
  assert.is(evil['Access-Control-Allow-Private-Network'], undefined, 'no private-network grant for a refused origin');
  const open = policiesFor({ allowNullOrigin: true }).policies;
  const nul = corsHeaders('null', open.origin, { preflight: true, requestPrivateNetwork: true });
  assert.is(nul['Access-Control-Allow-Origin'], 'null', 'null allowed when asked for');
  assert.is(nul['Access-Control-Allow-Private-Network'], undefined, 'but never a private-network grant: any site can be null');
});

test('end to end on a real server: REST middleware and upgrade handler refuse and admit', async () => {
  const security = resolveSecurityOptions({ token: TOKEN }, {});
  const policies = createPolicies(security, { listenHost: '127.0.0.1' });
  const server = createServer(httpServerOptions(security), (incoming, res) => {
    const origin = incoming.headers.origin;
    const cors = corsHeaders(origin, policies.origin);
    const v = checkRequest(incoming, policies);
    if (!v.ok) {
      res.writeHead(v.status, { 'Content-Type': 'application/json', ...cors, ...v.headers });
      res.end(JSON.stringify({ error: v.error, status: v.status }));
      return;
    }
    res.writeHead(200, cors);
    res.end('ok');
  });
  server.on('upgrade', (incoming, socket) => {
    const v = checkRequest(incoming, policies);
    socket.end(v.ok ? 'HTTP/1.1 418 Would Upgrade\r\nConnection: close\r\n\r\n' : `HTTP/1.1 ${v.status} Refused\r\nConnection: close\r\n\r\n${JSON.stringify({ error: v.error, status: v.status })}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const send = (headers: Record<string, string>, path = '/api/stats') =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      r.on('upgrade', (res, socket) => {
        let body = '';
        socket.on('data', (c: Buffer) => { body += c.toString(); });
        socket.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      r.on('error', reject);
      r.end();
    });
  try {
    const ok = await send({ Authorization: `Bearer ${TOKEN}`, Origin: 'http://localhost:5173' });
    assert.is(ok.status, 200);
    assert.is(ok.headers['access-control-allow-origin'], 'http://localhost:5173');
    const evil = await send({ Authorization: `Bearer ${TOKEN}`, Origin: 'https://evil.example' });
    assert.is(evil.status, 403);
    assert.is(evil.headers['access-control-allow-origin'], undefined);
    assert.match(JSON.parse(evil.body).error, /--allow-origin https:\/\/evil\.example/);
    const rebound = await send({ Authorization: `Bearer ${TOKEN}`, Host: 'evil.example:8765' });
    assert.is(rebound.status, 403);
    const anonymous = await send({});
    assert.is(anonymous.status, 401);
    assert.is(anonymous.headers['www-authenticate'], 'Bearer realm="widgets-service"');
    const wsRefused = await send({ Connection: 'Upgrade', Upgrade: 'websocket', Origin: 'https://evil.example' }, `/ws/stats?token=${TOKEN}`);
    assert.is(wsRefused.status, 403);
    const wsOk = await send({ Connection: 'Upgrade', Upgrade: 'websocket', Origin: 'file://' }, `/ws/stats?token=${TOKEN}`);
    assert.is(wsOk.status, 418);
  } finally {
    server.close();
  }
});

test.run();
