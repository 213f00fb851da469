import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { runCli, startService, type RunningService } from '../helpers/service.js';

// Issue 14: HTTPS and WSS on the same port with --tls-cert/--tls-key; plain HTTP there is refused.
// The certificate is made here, self-signed, for 127.0.0.1 and localhost.

const TOKEN = 'correct-horse-battery-staple-42';
let dir: string;
let cert: string;
let key: string;
let service: RunningService;

test.before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'widgets-tls-'));
  cert = path.join(dir, 'cert.pem');
  key = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  service = await startService(['--tls-cert', cert, '--tls-key', key, '--interval', '500ms', '--linger', '300ms']);
});
test.after(async () => {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function httpsJson(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    get(url, { ca: readFileSync(cert) }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

test('the service announces an https:// URL and serves /api/health over TLS', async () => {
  assert.match(service.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const r = await httpsJson(`${service.url}/api/health`);
  assert.is(r.status, 200);
  assert.is(r.body.service, 'widgets-service');
});

test('wss:// /ws/stats streams stats over TLS', async () => {
  const ws = new WebSocket(`${service.url.replace('https', 'wss')}/ws/stats?topics=cpu`, { ca: readFileSync(cert) });
  const first = await new Promise<any>((resolve, reject) => {
    ws.once('message', (m) => resolve(JSON.parse(String(m))));
    ws.once('error', reject);
  });
  ws.close();
  assert.ok(typeof first.cpu.cores === 'number', 'a stats message');
  assert.ok(typeof first.timestamp === 'string');
});

test('plain HTTP to the TLS port is refused: no answer, the connection is closed', async () => {
  const plain = await fetch(`http://127.0.0.1:${service.port}/api/health`).then((r) => r.status, () => 'refused');
  assert.is(plain, 'refused');
  const raw = await new Promise<string>((resolve) => {
    const socket = connect(service.port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => { socket.destroy(); resolve(`still open: ${got}`); }, 3000);
    socket.on('data', (c) => (got += c.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve(got); });
    socket.write(`GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1:${service.port}\r\n\r\n`);
  });
  assert.not.match(raw, /"cpu"|HTTP\/1\.1 200/, 'no telemetry in clear text');
  assert.not.match(raw, /still open/);
  assert.match(service.stderr(), /refused a plain HTTP request on the TLS port/);
});

test('a token on a non-loopback address without TLS warns in one line that it travels in clear text; with TLS it does not', async () => {
  // 192.0.2.1 (TEST-NET) is no address of this machine: the warning comes before listen fails, nothing is exposed.
  const clear = await runCli(['--host', '192.0.2.1', '--port', '0'], { WIDGETS_TOKEN: TOKEN });
  const warning = clear.stderr.split('\n').filter((l) => /without TLS/.test(l));
  assert.is(warning.length, 1, clear.stderr);
  assert.match(warning[0]!, /token and the telemetry cross the network in clear text/);
  const tls = await runCli(['--host', '192.0.2.1', '--port', '0', '--tls-cert', cert, '--tls-key', key], { WIDGETS_TOKEN: TOKEN });
  assert.not.match(tls.stderr, /without TLS/);
  assert.match(tls.stderr, /192\.0\.2\.1 is not an address of this machine/);
});

test('bad TLS files end with one line naming the flag', async () => {
  const missing = await runCli(['--port', '0', '--tls-cert', path.join(dir, 'nope.pem'), '--tls-key', key]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /--tls-cert: cannot read ".*nope\.pem"/);
  const alone = await runCli(['--port', '0', '--tls-cert', cert]);
  assert.is(alone.code, 2);
  assert.match(alone.stderr, /--tls-cert and --tls-key go together/);
  const swapped = await runCli(['--port', '0', '--tls-cert', key, '--tls-key', cert]);
  assert.is(swapped.code, 1);
  assert.match(swapped.stderr, /cannot use the TLS certificate and key/);
});

test.run();
