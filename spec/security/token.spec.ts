import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IncomingHttpHeaders } from 'node:http';
import { createTokenCheck, presentedToken } from '../../lib/security/token.js';

const TOKEN = '0123456789abcdef0123456789abcdef';
const req = (headers: IncomingHttpHeaders = {}) => ({ headers });
const url = (target = '/api/stats') => new URL(target, 'http://localhost');

const rest = createTokenCheck(TOKEN);
const ws = createTokenCheck(TOKEN, { acceptQueryParam: true });

test('no token configured: every request passes', () => {
  const open = createTokenCheck(undefined);
  assert.ok(open(req(), url()));
  assert.ok(open(req({ authorization: 'Bearer whatever' }), url()));
});

test('the right Bearer token passes (scheme case-insensitive)', () => {
  assert.ok(rest(req({ authorization: `Bearer ${TOKEN}` }), url()));
  assert.ok(rest(req({ authorization: `bearer ${TOKEN}` }), url()));
  assert.ok(rest(req({ authorization: `Bearer  ${TOKEN} ` }), url()));
});

test('a wrong, truncated, extended or missing token fails', () => {
  assert.not.ok(rest(req(), url()));
  assert.not.ok(rest(req({ authorization: 'Bearer wrong-token-wrong-token' }), url()));
  assert.not.ok(rest(req({ authorization: `Bearer ${TOKEN.slice(0, -1)}` }), url()));
  assert.not.ok(rest(req({ authorization: `Bearer ${TOKEN}x` }), url()));
  assert.not.ok(rest(req({ authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` }), url()));
  assert.not.ok(rest(req({ authorization: TOKEN }), url()));
  assert.not.ok(rest(req({ authorization: 'Bearer ' }), url()));
});

test('REST does not accept the token in the query string', () => {
  assert.not.ok(rest(req(), url(`/api/stats?token=${TOKEN}`)));
});

test('the WebSocket check accepts the header or ?token=', () => {
  assert.ok(ws(req({ authorization: `Bearer ${TOKEN}` }), url('/ws/stats')));
  assert.ok(ws(req(), url(`/ws/stats?token=${TOKEN}`)));
  assert.ok(ws(req(), url(`/ws/stats?token=${encodeURIComponent(TOKEN)}&x=1`)));
  assert.not.ok(ws(req(), url('/ws/stats?token=nope')));
  assert.not.ok(ws(req(), url('/ws/stats?token=')));
  assert.not.ok(ws(req(), url('/ws/stats')));
});

test('a token with URL-special characters round-trips through the query string', () => {
  const special = 'a+b/c=d&e%f#g?h~0123456789';
  const check = createTokenCheck(special, { acceptQueryParam: true });
  assert.ok(check(req(), url(`/ws/stats?token=${encodeURIComponent(special)}`)));
  assert.ok(check(req({ authorization: `Bearer ${special}` }), url('/ws/stats')));
});

test('presentedToken prefers the header', () => {
  assert.is(presentedToken(req({ authorization: 'Bearer aaa' }), url('/ws?token=bbb'), true), 'aaa');
  assert.is(presentedToken(req(), url('/ws?token=bbb'), true), 'bbb');
  assert.is(presentedToken(req(), url('/ws?token=bbb'), false), undefined);
});

test('an empty configured token is a programming error', () => {
  assert.throws(() => createTokenCheck(''), /empty/);
});

test.run();
