// The JSON answers every endpoint and refusal uses, read back by a real HTTP client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { rawErrorResponse, sendError, sendJson } from '../../lib/http/json.js';
import { serveHandler } from '../helpers/http-stub.js';

test('sendJson: status, JSON body, UTF-8 content type, byte length (not characters), no caching, extra headers', async () => {
  const body = { name: 'Radeon™ RX 6600', temperature: 45.5, list: [] };
  const stub = await serveHandler((_req, res) => sendJson(res, 200, body, { 'X-Extra': 'yes' }));
  try {
    const res = await fetch(`${stub.url}/`);
    const raw = Buffer.from(await res.arrayBuffer());
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.is(Number(res.headers.get('content-length')), raw.length);
    assert.ok(raw.length > JSON.stringify(body).length, 'the ™ takes three bytes');
    assert.is(res.headers.get('cache-control'), 'no-store');
    assert.is(res.headers.get('x-extra'), 'yes');
    assert.equal(JSON.parse(raw.toString('utf8')), body);
  } finally {
    await stub.close();
  }
});

test('a second answer to the same request is ignored instead of throwing (a late handler after a timeout)', async () => {
  let threw: unknown;
  const stub = await serveHandler((_req, res) => {
    sendJson(res, 200, { first: true });
    try {
      sendError(res, 500, 'too late');
    } catch (error) {
      threw = error;
    }
  });
  try {
    const res = await fetch(`${stub.url}/`);
    assert.equal(await res.json(), { first: true });
    assert.is(threw, undefined);
  } finally {
    await stub.close();
  }
});

test('sendError: {error, status} with the same status on the response, headers kept', async () => {
  const stub = await serveHandler((_req, res) => sendError(res, 429, 'too many requests; retry in 1 s', { 'Retry-After': '1' }));
  try {
    const res = await fetch(`${stub.url}/`);
    assert.is(res.status, 429);
    assert.is(res.headers.get('retry-after'), '1');
    assert.equal(await res.json(), { error: 'too many requests; retry in 1 s', status: 429 });
  } finally {
    await stub.close();
  }
});

test('rawErrorResponse: a whole HTTP/1.1 answer a real client parses, same body as sendError, then the connection closes', async () => {
  const server = net.createServer((socket) => socket.end(rawErrorResponse(431, 'headers too large (Ünïcode)', { 'Retry-After': '5' })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    assert.is(res.status, 431);
    assert.is(res.statusText, 'Request Header Fields Too Large');
    assert.is(res.headers.get('connection'), 'close');
    assert.is(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.is(res.headers.get('retry-after'), '5');
    assert.equal(await res.json(), { error: 'headers too large (Ünïcode)', status: 431 });
  } finally {
    server.close();
  }
});

test('rawErrorResponse for a status Node has no name for still forms a valid status line', () => {
  assert.ok(rawErrorResponse(599, 'x').startsWith('HTTP/1.1 599 Error\r\n'));
});

test.run();
