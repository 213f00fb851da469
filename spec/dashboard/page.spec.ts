// The dashboard page as served: current with its sources, small, self-contained, locked down by CSP,
// and reachable without the token (it holds no telemetry) while everything it reads needs it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildPage } from '../../lib/dashboard/generate.mjs';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { DASHBOARD_HEADERS, DASHBOARD_HTML } from '../../lib/dashboard/page.js';
import { startServer } from '../../lib/server.js';
import { ROOT } from '../helpers/service.js';

test('page.ts is generated from the current index.html, style.css and app.js', () => {
  const committed = readFileSync(join(ROOT, 'lib', 'dashboard', 'page.ts'), 'utf8');
  assert.ok((buildPage as () => string)() === committed, 'lib/dashboard/page.ts is stale: run npm run build and commit it');
});

test('a few tens of KB, nothing loaded from anywhere else, scripts and styles pinned by hash', () => {
  const bytes = Buffer.byteLength(DASHBOARD_HTML);
  assert.ok(bytes < 40 * 1024, `${bytes} bytes`);
  assert.is(DASHBOARD_HEADERS['Content-Length'], String(bytes));
  assert.not.match(DASHBOARD_HTML, /(src|href)\s*=\s*["']?(https?:)?\/\//i, 'no external script, style, font or image');
  assert.not.match(DASHBOARD_HTML, /@import|url\(/i, 'no CSS imports or fonts');
  const csp = DASHBOARD_HEADERS['Content-Security-Policy']!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
  assert.not.match(csp, /unsafe-inline|unsafe-eval/);
});

test('GET / is the page, without the token; the data behind it needs the token', async () => {
  const server = await startServer({ port: 0, security: { token: 'page-spec-token-0123456789' }, monitor: { intervalMs: 1000 } });
  try {
    const page = await fetch(`${server.url}/`);
    assert.is(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.is(await page.text(), DASHBOARD_HTML);
    assert.is((await fetch(`${server.url}/api/history`)).status, 401);
    assert.is((await fetch(`${server.url}/api/history`, { headers: { Authorization: 'Bearer page-spec-token-0123456789' } })).status, 200);
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      // fetch cannot set Host; a DNS-rebinding page would arrive with its own name.
      request(`${server.url}/`, { headers: { Host: 'evil.example' } }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject).end();
    });
    assert.is(rebound, 403, 'the Host check still applies');
  } finally {
    await server.close();
  }
});

test.run();
