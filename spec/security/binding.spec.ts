import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBinding, isLoopbackHost, isWildcardHost } from '../../lib/security/binding.js';

test('loopback names and addresses are recognised in every spelling', () => {
  for (const h of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
    assert.ok(isLoopbackHost(h), h);
  }
});

test('everything else is not loopback', () => {
  for (const h of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'example.com', 'localhost.evil.example', '127.0.0.1.nip.io', '127.1', '', 'evil']) {
    assert.not.ok(isLoopbackHost(h), h);
  }
});

test('wildcard listen addresses are recognised', () => {
  for (const h of ['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0', '', undefined]) assert.ok(isWildcardHost(h), String(h));
  for (const h of ['127.0.0.1', '192.168.1.5', '::1', 'localhost']) assert.not.ok(isWildcardHost(h), h);
});

test('loopback binding needs no token', () => {
  assert.is(checkBinding('127.0.0.1', undefined), null);
  assert.is(checkBinding('localhost', undefined), null);
  assert.is(checkBinding('::1', undefined), null);
});

test('binding to all interfaces without a token is refused with a one-line explanation', () => {
  const error = checkBinding('0.0.0.0', undefined);
  assert.type(error, 'string');
  assert.ok(error?.startsWith('refusing to listen on 0.0.0.0 without a token: anyone on the network could read'), error ?? '');
  assert.match(error ?? '', /--token <secret>/);
  assert.match(error ?? '', /WIDGETS_TOKEN/);
  assert.not.match(error ?? '', /\n/);
  assert.type(checkBinding('192.168.1.5', ''), 'string');
  assert.type(checkBinding('::', undefined), 'string');
});

test('binding anywhere is accepted with a token', () => {
  assert.is(checkBinding('0.0.0.0', 'a-long-random-secret-123'), null);
  assert.is(checkBinding('192.168.1.5', 'a-long-random-secret-123'), null);
});

test.run();
