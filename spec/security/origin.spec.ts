import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createOriginPolicy, parseOriginPattern } from '../../lib/security/origin.js';

const defaults = createOriginPolicy();

test('requests without an Origin (curl, scripts, Electron main process) are allowed', () => {
  assert.ok(defaults(undefined));
});

test('loopback pages on any port, http and https, are allowed by default', () => {
  for (const o of [
    'http://localhost:5173',
    'http://localhost',
    'https://localhost:8443',
    'http://127.0.0.1:1234',
    'https://127.0.0.1',
    'http://[::1]:8765',
    'https://[::1]:3000',
  ]) {
    assert.ok(defaults(o), o);
  }
});

test('file:// (Electron pages from disk) is allowed by default; null (any sandboxed iframe) is not', () => {
  assert.ok(defaults('file://'));
  assert.not.ok(defaults('null'));
});

test('null is allowed only when asked for; file:// stays allowed either way', () => {
  const open = createOriginPolicy({ allowNullOrigin: true });
  assert.ok(open('null'));
  assert.ok(open('file://'));
  assert.not.ok(open('https://evil.example'), 'allowing null allows nothing else');
});

test('foreign web pages are refused', () => {
  for (const o of [
    'https://evil.example',
    'http://evil.example:8765',
    'http://localhost.evil.example',
    'http://127.0.0.1.evil.example',
    'http://192.168.1.5:3000',
    'http://127.0.0.2:80',
  ]) {
    assert.not.ok(defaults(o), o);
  }
});

test('unparseable or non-canonical origins are refused', () => {
  for (const o of ['', 'garbage', 'localhost:5173', 'http://localhost:5173/', 'http://localhost:5173/path', 'HTTP://LOCALHOST', 'http://localhost:80', 'http://user@localhost', 'ftp://localhost', 'http://localhost:99999']) {
    assert.not.ok(defaults(o), o);
  }
});

test('--allow-origin adds exact origins', () => {
  const p = createOriginPolicy({ allowOrigins: ['https://dash.example.com', 'http://192.168.1.5:3000'] });
  assert.ok(p('https://dash.example.com'));
  assert.ok(p('http://192.168.1.5:3000'));
  assert.not.ok(p('http://dash.example.com'), 'other scheme');
  assert.not.ok(p('https://dash.example.com:444'), 'other port');
  assert.not.ok(p('http://192.168.1.5:3001'));
  assert.not.ok(p('https://evil.dash.example.com'));
});

test('a subdomain wildcard matches subdomains at any depth but not the apex or look-alikes', () => {
  const p = createOriginPolicy({ allowOrigins: ['https://*.example.com'] });
  assert.ok(p('https://a.example.com'));
  assert.ok(p('https://a.b.example.com'));
  assert.not.ok(p('https://example.com'));
  assert.not.ok(p('https://evilexample.com'));
  assert.not.ok(p('https://a.example.com.evil.example'));
  assert.not.ok(p('http://a.example.com'));
  assert.not.ok(p('https://a.example.com:8443'));
});

test('a port wildcard matches any port of that host only', () => {
  const p = createOriginPolicy({ allowOrigins: ['http://dev.lan:*'] });
  assert.ok(p('http://dev.lan'));
  assert.ok(p('http://dev.lan:5173'));
  assert.not.ok(p('https://dev.lan:5173'));
  assert.not.ok(p('http://other.lan:5173'));
});

test('exact origins of other schemes are compared as written', () => {
  const p = createOriginPolicy({ allowOrigins: ['app://claraverse'] });
  assert.ok(p('app://claraverse'));
  assert.not.ok(p('app://other'));
});

test('patterns are canonicalised like browser origins (case, default port, IPv6, IDN)', () => {
  const p = createOriginPolicy({ allowOrigins: ['HTTPS://Dash.Example.COM:443', 'http://[0:0:0:0:0:0:0:5]:8080', 'https://bücher.example'] });
  assert.ok(p('https://dash.example.com'));
  assert.ok(p('http://[::5]:8080'));
  assert.ok(p('https://xn--bcher-kva.example'));
});

test('malformed or dangerous patterns are refused with a message naming the pattern', () => {
  const bad: Array<[string, RegExp]> = [
    ['*', /every web page/],
    ['https://*.com', /top-level domain/],
    ['http://*.127.0.0.1', /IP address/],
    ['https://example.com/path', /no path/],
    ['https://ex*ample.com', /expected/],
    ['example.com', /expected an origin/],
    ['http://localhost:70000', /port out of range/],
    ['null', /--allow-null-origin/],
    ['file://', /always allowed/],
  ];
  for (const [pattern, why] of bad) {
    assert.throws(() => parseOriginPattern(pattern), (e: Error) => e.message.includes(JSON.stringify(pattern)) && why.test(e.message), pattern);
  }
});

test.run();
