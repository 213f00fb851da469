import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentProtocolError, encodeRequest, parseAgentLine } from '../../../lib/platform/win32/protocol.js';

test('requests: one form per op, one line each; adopt carries the pid', () => {
  assert.is(encodeRequest(7, 'processes'), '{"id":7,"op":"processes"}\n');
  assert.is(encodeRequest(8, 'adopt', 4711), '{"id":8,"op":"adopt","pid":4711}\n');
  assert.throws(() => encodeRequest(9, 'adopt'), /adopt needs a pid/);
  assert.throws(() => encodeRequest(-1, 'swap'), /whole number/);
});

test('answers, failures and the ready line are told apart; a UTF-8 BOM and CRLF are tolerated', () => {
  assert.equal(parseAgentLine('{"ready":true,"agent":1}'), { kind: 'ready', version: 1 });
  assert.equal(parseAgentLine('\uFEFF{"id":3,"ok":true,"data":[{"name":"Wi-Fi"}]}\r'), { kind: 'answer', id: 3, data: [{ name: 'Wi-Fi' }] });
  assert.equal(parseAgentLine('{"id":4,"ok":false,"error":"Accès refusé"}'), { kind: 'failure', id: 4, error: 'Accès refusé' });
});

test('anything else is a protocol error naming the start of the line', () => {
  // What Windows PowerShell prints when something goes wrong outside the protocol.
  const garbage = "Add-Type : Cannot add type. The type name 'WidgetsAgent' already exists.";
  assert.throws(() => parseAgentLine(garbage), (e: Error) => e instanceof AgentProtocolError && e.message.includes('not JSON') && e.message.includes('Add-Type'));
  assert.throws(() => parseAgentLine('[1,2]'), /not a message/);
  assert.throws(() => parseAgentLine('{"ok":true,"data":1}'), /without an id/);
  assert.throws(() => parseAgentLine('{"id":1}'), /neither an answer nor a failure/);
});

test.run();
