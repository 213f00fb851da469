import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FLAGS, parseCli, parseDuration, readTlsFiles, usage, UsageError } from '../lib/cli-args.js';
import { HTTP_DEFAULTS, SERVICE_DEFAULTS, WS_DEFAULTS } from '../lib/defaults.js';
import { OptionError } from '../lib/option-check.js';

test('no arguments: every default comes from the defaults table', () => {
  const c = parseCli([]);
  assert.is(c.port, SERVICE_DEFAULTS.port);
  assert.is(c.host, SERVICE_DEFAULTS.host);
  assert.is(c.intervalMs, SERVICE_DEFAULTS.intervalMs);
  assert.is(c.lingerMs, SERVICE_DEFAULTS.lingerMs);
  assert.is(c.processLimit, SERVICE_DEFAULTS.processLimit);
  assert.equal(c.security, {});
  assert.equal(c.webSocket, {});
  assert.is(c.tlsFiles, undefined);
  assert.is(c.idleExitSeconds, undefined);
  assert.ok(c.exitWithParent);
  assert.is(c.optimizer, 'auto');
  assert.is(c.metricsPerPid, false, '/metrics per process name unless asked');
  assert.is(parseCli(['--metrics-per-pid']).metricsPerPid, true);
  assert.is(parseCli(['--optimizer', 'on']).optimizer, 'on');
  assert.is(parseCli(['--optimizer', 'off']).optimizer, 'off');
});

test('the port: positional (the original contract) or --port, not both', () => {
  assert.is(parseCli(['8766']).port, 8766);
  assert.is(parseCli(['-p', '0']).port, 0);
  assert.throws(() => parseCli(['8766', '--port', '8767']), /either as an argument or with --port/);
  assert.throws(() => parseCli(['70000']), /^port must be a whole number from 0 to 65535, got 70000$/);
  assert.throws(() => parseCli(['--port', 'x']), /^--port must be a whole number from 0 to 65535, got "x"$/);
  assert.throws(() => parseCli(['8766', 'extra']), /unexpected arguments: extra/);
});

test('durations: 2000, 2000ms, 2s, 1.5s, 1m, 1h', () => {
  assert.is(parseDuration('--interval', '2000'), 2000);
  assert.is(parseDuration('--interval', '2000ms'), 2000);
  assert.is(parseDuration('--interval', '2s'), 2000);
  assert.is(parseDuration('--interval', '1.5s'), 1500);
  assert.is(parseDuration('--interval', '1m'), 60_000);
  assert.is(parseDuration('--interval', '1h'), 3_600_000);
  assert.is(parseCli(['-i', '500ms']).intervalMs, 500);
  assert.is(parseCli(['--linger', '0']).lingerMs, 0);
});

test('errors name the flag, are UsageErrors (an OptionError, like the library), and say the range', () => {
  const cases: [string[], RegExp][] = [
    [['--interval', '50ms'], /^--interval must be a duration from 100ms to 1h, got "50ms"$/],
    [['--interval', 'soon'], /^--interval must be a duration like 2000, 2000ms, 2s or 1m, got "soon"$/],
    [['--linger', '2h'], /^--linger must be a duration from 0 to 1h, got "2h"$/],
    [['--process-limit', '0'], /^--process-limit must be a whole number from 1 to 10000, got 0$/],
    [['--process-limit', 'many'], /^--process-limit must be a whole number from 1 to 10000, got "many"$/],
    [['--rate-limit', '0'], /^--rate-limit must be a number above 0 and at most 1000000, got 0$/],
    [['--rate-burst', '1.5'], /^--rate-burst must be a whole number/],
    [['--max-ws-clients', '0'], /^--max-ws-clients must be a whole number from 1/],
    [['--idle-exit', '0'], /^--idle-exit must be a number above 0/],
    [['--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
    [['--no-such-flag'], /Unknown option '--no-such-flag'/],
    [['--optimizer', 'fast'], /^--optimizer must be one of auto, on, off, got "fast"$/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseCli(argv), (e: Error) => e instanceof UsageError && e instanceof OptionError && message.test(e.message), argv.join(' '));
  }
});

test('security and WebSocket flags map onto the library options', () => {
  const c = parseCli([
    '--token', 'a-long-random-secret-value', '--allow-origin', 'https://a.example', '--allow-origin', 'https://b.example',
    '--allow-host', 'telemetry.example.com', '--allow-null-origin', '--rate-limit', '50', '--rate-burst', '80', '--max-ws-clients', '8',
    '--tls-cert', 'c.pem', '--tls-key', 'k.pem',
  ]);
  assert.equal(c.security, {
    token: 'a-long-random-secret-value',
    allowOrigins: ['https://a.example', 'https://b.example'],
    allowHosts: ['telemetry.example.com'],
    allowNullOrigin: true,
    rateLimit: { requestsPerSecond: 50, burst: 80 },
  });
  assert.equal(c.webSocket, { maxClients: 8 });
  assert.equal(c.tlsFiles, { cert: 'c.pem', key: 'k.pem' });
});

test('readTlsFiles reads both files, and a failure names the flag and the file', () => {
  const files: Record<string, string> = { 'c.pem': 'CERT', 'k.pem': 'KEY' };
  const read = (f: string) => {
    if (!(f in files)) throw new Error('ENOENT: no such file or directory');
    return Buffer.from(files[f]!);
  };
  const tls = readTlsFiles({ cert: 'c.pem', key: 'k.pem' }, read);
  assert.is(String(tls.cert), 'CERT');
  assert.is(String(tls.key), 'KEY');
  assert.throws(() => readTlsFiles({ cert: 'c.pem', key: 'nope.pem' }, read), /^--tls-key: cannot read "nope\.pem": ENOENT/);
});

test('--help is built from the flag table and the defaults table', () => {
  const help = usage();
  for (const f of FLAGS) assert.is(help.includes(`--${f.long}`), !f.hidden, `--${f.long} in --help: ${!f.hidden}`);
  assert.ok(help.includes(`(default ${SERVICE_DEFAULTS.port})`));
  assert.ok(help.includes('(default 2s, 100ms..1h)'));
  assert.ok(help.includes(`(default ${SERVICE_DEFAULTS.processLimit})`));
  assert.ok(help.includes(`(default ${HTTP_DEFAULTS.requestsPerSecond})`));
  assert.ok(help.includes(`(default ${HTTP_DEFAULTS.burst})`));
  assert.ok(help.includes(`(default ${WS_DEFAULTS.maxClients})`));
  assert.ok(help.split('\n').every((line) => line.length <= 100), 'wrapped at 100 columns');
  assert.not.ok(help.includes('--no-null-origin'), 'null is off by default now; the flag turns it on');
});


test('--platform (hidden) runs another platform\'s collectors; anything but linux, darwin, win32 is refused', () => {
  assert.is(parseCli(['--platform', 'win32']).platform, 'win32');
  assert.is(parseCli(['--platform', 'darwin']).platform, 'darwin');
  assert.is(parseCli([]).platform, undefined);
  assert.throws(() => parseCli(['--platform', 'aix']), /--platform must be one of linux, darwin, win32, got "aix"/);
  assert.not.ok(usage().includes('--platform'));
});

test.run();
