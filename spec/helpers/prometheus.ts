// A real Prometheus (Debian's prometheus package) for specs: its own temp data directory, loopback
// on a free port, killed at the end; and small readers of its HTTP API. Also the CA and server
// certificate a TLS scrape needs, made with openssl.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from './wait.js';

export interface RunningPrometheus {
  url: string;
  /** Its temp directory (config, data); removed by stop(). */
  dir: string;
  /** Everything it wrote to stderr. */
  log(): string;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts Prometheus with this configuration (YAML text) and waits until it is ready (at most 20 s). */
export async function startPrometheus(config: string, dir = mkdtempSync(path.join(tmpdir(), 'widgets-prometheus-'))): Promise<RunningPrometheus> {
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn('prometheus', [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_resolve, reject) => child.once('error', (error: NodeJS.ErrnoException) => {
    reject(error.code === 'ENOENT' ? new Error('prometheus not found on PATH: install Debian\'s prometheus package (spec/system-deps.sh does)') : error);
  }));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = (async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
      const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`prometheus not ready within 20 s: ${log}`);
      await sleep(100);
    }
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dir, log: () => log, stop };
}

export interface PromSeries {
  metric: Record<string, string>;
  /** Instant queries. */
  value?: [number, string];
  /** Range queries. */
  values?: [number, string][];
}

async function api(url: string): Promise<any> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: any; error?: string };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/** GET /api/v1/query: the result vector (throws on a PromQL error). */
export async function instantQuery(base: string, expr: string): Promise<PromSeries[]> {
  const data = await api(`${base}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  return data.result as PromSeries[];
}

/** GET /api/v1/query_range over the last `seconds`, one step per second. */
export async function rangeQuery(base: string, expr: string, seconds: number): Promise<PromSeries[]> {
  const end = Date.now() / 1000;
  const params = new URLSearchParams({ query: expr, start: String(end - seconds), end: String(end), step: '1' });
  const data = await api(`${base}/api/v1/query_range?${params}`);
  return data.result as PromSeries[];
}

export interface Target {
  labels: Record<string, string>;
  scrapePool: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export async function activeTargets(base: string): Promise<Target[]> {
  return (await api(`${base}/api/v1/targets?state=active`)).activeTargets as Target[];
}

/** Polls until `done` holds (at most `timeoutMs`), returning the last value; never throws on timeout. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(250);
  }
}

export interface Certificates {
  /** The CA Prometheus trusts (tls_config.ca_file). */
  ca: string;
  /** The server's certificate (signed by the CA, for 127.0.0.1 and localhost) and key. */
  cert: string;
  key: string;
}

/** A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost, valid one day. */
export function makeCertificates(dir: string): Certificates {
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(['req', '-x509', ...ec, '-days', '1', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=widgets-spec-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '1', '-extfile', file('server.ext'), '-out', file('server.pem')]);
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

/** Grafana's formatting of a multi-value variable inside a Prometheus regex matcher: `(a|b)`, each value regex-escaped. */
export function grafanaRegexValue(values: string[]): string {
  const escape = (v: string) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
  return values.length === 1 ? escape(values[0]!) : `(${values.map(escape).join('|')})`;
}
