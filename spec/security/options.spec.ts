import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SECURITY, resolveSecurityOptions } from '../../lib/security/options.js';
import { httpServerOptions } from '../../lib/security/server-options.js';
import { OptionError } from '../../lib/option-check.js';

const TOKEN = '0123456789abcdef';

test('no input and no environment gives the defaults', () => {
  assert.equal(resolveSecurityOptions({}, {}), { ...DEFAULT_SECURITY, rateLimit: { ...DEFAULT_SECURITY.rateLimit } });
  assert.is(DEFAULT_SECURITY.token, undefined);
  assert.is(DEFAULT_SECURITY.maxUrlBytes, 8192);
  assert.is(DEFAULT_SECURITY.maxHeaderBytes, 16384);
  assert.is(DEFAULT_SECURITY.allowNullOrigin, false, 'Origin: null is refused unless asked for');
});

test('the token comes from WIDGETS_TOKEN unless given; an empty variable is unset', () => {
  assert.is(resolveSecurityOptions({}, { WIDGETS_TOKEN: TOKEN }).token, TOKEN);
  assert.is(resolveSecurityOptions({ token: `${TOKEN}-flag` }, { WIDGETS_TOKEN: TOKEN }).token, `${TOKEN}-flag`);
  assert.is(resolveSecurityOptions({}, { WIDGETS_TOKEN: '' }).token, undefined);
});

test('short, empty or unprintable tokens are refused without echoing them', () => {
  assert.throws(() => resolveSecurityOptions({ token: 'hunter2' }, {}), (e: Error) => /--token is too short \(7 characters, need at least 16\)/.test(e.message) && !e.message.includes('hunter2'));
  assert.throws(() => resolveSecurityOptions({}, { WIDGETS_TOKEN: 'hunter2' }), /WIDGETS_TOKEN is too short/);
  assert.throws(() => resolveSecurityOptions({ token: '' }, {}), /--token is empty/);
  assert.throws(() => resolveSecurityOptions({ token: `${TOKEN} with space` }, {}), /printable ASCII without spaces/);
  assert.throws(() => resolveSecurityOptions({ token: `${TOKEN}\n` }, {}), /printable ASCII/);
  assert.throws(() => resolveSecurityOptions({ token: 'x'.repeat(2000) }, {}), /too long/);
});

test('patterns are validated at start-up', () => {
  assert.throws(() => resolveSecurityOptions({ allowOrigins: ['*'] }, {}), /allow-origin "\*"/);
  assert.throws(() => resolveSecurityOptions({ allowOrigins: ['https://ok.example', 'https://bad.example/path'] }, {}), /bad\.example\/path/);
  assert.throws(() => resolveSecurityOptions({ allowHosts: ['host:1'] }, {}), /allow-host "host:1"/);
  const ok = resolveSecurityOptions({ allowOrigins: ['https://*.example.com'], allowHosts: ['telemetry.example.com'] }, {});
  assert.equal(ok.allowOrigins, ['https://*.example.com']);
  assert.equal(ok.allowHosts, ['telemetry.example.com']);
});

test('partial rate limits merge with the defaults and must be positive', () => {
  assert.equal(resolveSecurityOptions({ rateLimit: { requestsPerSecond: 50 } }, {}).rateLimit, { requestsPerSecond: 50, burst: 40, maxTracked: 10_000 });
  assert.throws(() => resolveSecurityOptions({ rateLimit: { requestsPerSecond: 0 } }, {}), /rateLimit.requestsPerSecond must be a number above 0/);
  assert.throws(() => resolveSecurityOptions({ rateLimit: { requestsPerSecond: Number.NaN } }, {}), /requestsPerSecond/);
  assert.throws(() => resolveSecurityOptions({ rateLimit: { burst: 1.5 } }, {}), /rateLimit.burst must be a whole number/);
});

test('sizes, counts and timeouts are range-checked with the option named', () => {
  assert.throws(() => resolveSecurityOptions({ maxUrlBytes: 10 }, {}), /maxUrlBytes must be a whole number from 256/);
  assert.throws(() => resolveSecurityOptions({ maxUrlBytes: 10 }, {}), (e: Error) => e instanceof OptionError);
  assert.throws(() => resolveSecurityOptions({ allowNullOrigin: 'yes' as unknown as boolean }, {}), /allowNullOrigin must be true or false/);
  assert.throws(() => resolveSecurityOptions({ idleTimeoutMs: 5.5 }, {}), /idleTimeoutMs/);
  assert.throws(() => resolveSecurityOptions({ headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 }, {}), /must not exceed requestTimeoutMs/);
  assert.throws(() => resolveSecurityOptions({ maxUrlBytes: 32 * 1024 }, {}), /cannot exceed maxHeaderBytes/);
});

test('server options carry the limits to Node', () => {
  const s = resolveSecurityOptions({ maxHeaderBytes: 8192, maxUrlBytes: 4096 }, {});
  assert.equal(httpServerOptions(s), { maxHeaderSize: 8192, headersTimeout: 10_000, requestTimeout: 15_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 5_000, requireHostHeader: false });
});

test.run();
