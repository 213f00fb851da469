// WebSocket spec helpers: a recording ws client, a raw TCP peer that handshakes and then never reads.
import net from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';
import { until } from './wait.js';

export interface Received {
  at: number;
  text: string;
  json: any;
}

export interface Closed {
  code: number;
  reason: string;
}

export interface TestClient {
  ws: WebSocket;
  messages: Received[];
  /** Stats messages only (not acks or errors). */
  stats(): Received[];
  closed: Promise<Closed>;
  isClosed(): boolean;
  send(data: string | Buffer, binary?: boolean): void;
  /** Waits until `count` messages matching `pred` arrived after index `from`. */
  waitFor(pred: (m: Received) => boolean, count?: number, timeoutMs?: number, from?: number): Promise<Received[]>;
  close(): Promise<Closed>;
}

export function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options);
  const messages: Received[] = [];
  let done = false;
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? '<binary>' : data.toString();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    messages.push({ at: performance.now(), text, json });
  });
  const closed = new Promise<Closed>((resolve) => {
    ws.on('close', (code, reason) => {
      done = true;
      resolve({ code, reason: reason.toString() });
    });
  });
  ws.on('error', () => {});
  const client: TestClient = {
    ws,
    messages,
    stats: () => messages.filter((m) => m.json && typeof m.json === 'object' && 'timestamp' in m.json),
    closed,
    isClosed: () => done,
    send: (data, binary = false) => ws.send(data, { binary }),
    async waitFor(pred, count = 1, timeoutMs = 3000, from = 0) {
      await until(() => messages.slice(from).filter(pred).length >= count, timeoutMs, `${count} matching message(s); got ${messages.slice(from).map((m) => m.text.slice(0, 80)).join(' | ')}`);
      return messages.slice(from).filter(pred).slice(0, count);
    },
    close() {
      if (!done) ws.close();
      return closed;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export const isStats = (m: Received) => !!m.json && typeof m.json === 'object' && 'timestamp' in m.json;

/** What a silent client (the ClaraVerse widgets) gets first: the stats message, parsed; then it hangs up. */
export async function firstStats(url: string, timeoutMs = 5000): Promise<any> {
  const client = await connect(url);
  try {
    return (await client.waitFor(isStats, 1, timeoutMs))[0]!.json;
  } finally {
    await client.close();
  }
}

/** A peer that completes the WebSocket handshake and then never reads a byte (nor answers pings). */
export function stalledPeer(port: number, path = '/ws/stats'): Promise<{ socket: net.Socket; closed: Promise<void>; isClosed(): boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let closedFlag = false;
    const closed = new Promise<void>((r) => socket.once('close', () => { closedFlag = true; r(); }));
    socket.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
      resolve({ socket, closed, isClosed: () => closedFlag });
    };
    socket.on('data', onData);
    socket.once('connect', () => {
      socket.write([
        `GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', '', '',
      ].join('\r\n'));
    });
  });
}

/** An HTTP upgrade attempt that is expected to be refused: the status line and body. */
export function refusedUpgrade(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.split('\r\n\r\n').slice(1).join('\r\n\r\n') });
    });
    socket.once('connect', () => {
      socket.write([
        `GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', '', '',
      ].join('\r\n'));
    });
  });
}
