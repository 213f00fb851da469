import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHostPolicy, parseHostHeader, parseHostPattern } from '../../lib/security/host.js';

const local = createHostPolicy();

test('loopback Host headers are accepted on any port', () => {
  for (const h of ['localhost:8765', 'localhost', 'LocalHost:8765', 'localhost.:8765', '127.0.0.1:1234', '127.0.0.1', '127.8.9.10:80', '[::1]:8765', '[::1]', '[0:0:0:0:0:0:0:1]:8765', '[::ffff:127.0.0.1]:8765']) {
    assert.ok(local(h), h);
  }
});

test('a missing Host (HTTP/1.0) is accepted', () => {
  assert.ok(local(undefined));
});

test('DNS-rebinding hosts are refused', () => {
  for (const h of ['evil.example:8765', 'evil.example', 'localhost.evil.example:8765', '127.0.0.1.nip.io:8765', 'a.localhost:8765']) {
    assert.not.ok(local(h), h);
  }
});

test('other machines addresses are refused while listening on loopback', () => {
  for (const h of ['192.168.1.5:8765', '0.0.0.0:8765', '[fd00::5]:8765']) assert.not.ok(local(h), h);
});

test('malformed Host headers are refused', () => {
  for (const h of ['', ' ', '::1', '::1:8765', 'localhost:99999', 'localhost:abc', 'evil.example/x', 'user@localhost', '[::1', '[zz::1]:80', 'local host', 'a..b']) {
    assert.not.ok(local(h), JSON.stringify(h));
  }
});

test('parseHostHeader splits name, brackets and port', () => {
  assert.equal(parseHostHeader('[::1]:8765'), { hostname: '::1', port: '8765' });
  assert.equal(parseHostHeader('LocalHost.:80'), { hostname: 'localhost', port: '80' });
  assert.equal(parseHostHeader('example.com'), { hostname: 'example.com', port: undefined });
  assert.is(parseHostHeader('example.com:'), undefined);
});

test('--allow-host adds exact names and subdomain wildcards, any port', () => {
  const p = createHostPolicy({ allowHosts: ['telemetry.example.com', '*.lan.example', '192.168.1.5', 'fd00::5'] });
  assert.ok(p('telemetry.example.com'));
  assert.ok(p('Telemetry.Example.com:443'));
  assert.ok(p('box.lan.example:8765'));
  assert.ok(p('a.b.lan.example'));
  assert.ok(p('192.168.1.5:8765'));
  assert.ok(p('[fd00::5]:8765'));
  assert.not.ok(p('lan.example'));
  assert.not.ok(p('evil.example'));
  assert.not.ok(p('telemetry.example.com.evil.example'));
});

test('listening on a specific address allows that address as Host', () => {
  const p = createHostPolicy({ listenHost: '192.168.1.5' });
  assert.ok(p('192.168.1.5:8765'));
  assert.ok(p('localhost:8765'));
  assert.not.ok(p('192.168.1.6:8765'));
  assert.not.ok(p('evil.example:8765'));
  const v6 = createHostPolicy({ listenHost: 'fd00::5' });
  assert.ok(v6('[fd00::5]:8765'));
});

test('listening on every interface allows any IP literal (cannot be rebound) but no unknown names', () => {
  const p = createHostPolicy({ listenHost: '0.0.0.0' });
  assert.ok(p('192.168.1.5:8765'));
  assert.ok(p('[fd00::5]:8765'));
  assert.not.ok(p('evil.example:8765'));
  assert.not.ok(p('box.local:8765'));
});

test('bad --allow-host entries are refused with a message', () => {
  assert.throws(() => parseHostPattern('*'), /DNS-rebinding/);
  assert.throws(() => parseHostPattern('example.com:8765'), /without a port/);
  assert.throws(() => parseHostPattern('*.com'), /two labels/);
  assert.throws(() => parseHostPattern('http://example.com'), /expected a host name/);
  assert.equal(parseHostPattern('[fd00::5]'), { host: 'fd00::5', anySubdomain: false });
});

test.run();
