import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FLAGS } from '../lib/cli-args.js';
import { HTTP_DEFAULTS, SERVICE_DEFAULTS, WS_DEFAULTS, formatDuration } from '../lib/defaults.js';

// The README's options table states the defaults in words; they must be the table's numbers.
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const optionsTable = readme.slice(readme.indexOf('| Option | Default |'), readme.indexOf('\n\n', readme.indexOf('| Option | Default |')));
const rows = new Map(optionsTable.split('\n').slice(2).map((line) => {
  const [, flags = '', value = ''] = line.split('|').map((c) => c.trim());
  return [flags, value] as const;
}));
const row = (flag: string) => [...rows].find(([flags]) => flags.includes(flag))?.[1];

test('formatDuration writes durations the way --interval reads them', () => {
  assert.equal([0, 500, 2000, 60_000, 3_600_000, 1500].map(formatDuration), ['0', '500ms', '2s', '1m', '1h', '1500ms']);
});

test("the README's options table states the defaults table's values", () => {
  assert.is(row('--port'), String(SERVICE_DEFAULTS.port));
  assert.is(row('--host'), SERVICE_DEFAULTS.host);
  assert.is(row('--interval'), formatDuration(SERVICE_DEFAULTS.intervalMs));
  assert.is(row('--linger'), formatDuration(SERVICE_DEFAULTS.lingerMs));
  assert.is(row('--process-limit'), String(SERVICE_DEFAULTS.processLimit));
  assert.is(row('--rate-limit'), `${HTTP_DEFAULTS.requestsPerSecond}, ${HTTP_DEFAULTS.burst}`);
  assert.is(row('--max-ws-clients'), String(WS_DEFAULTS.maxClients));
});

test('every command-line flag is in the README', () => {
  for (const f of FLAGS) assert.ok(optionsTable.includes(`--${f.long}`), `--${f.long}`);
});

test.run();
