// Per-client flow control: a frame goes out only while the socket's unsent bytes are under a limit;
// otherwise it is skipped and remembered (only the newest), and sent as soon as the socket drains.
// A client that stays over the limit for longer than the stall timeout is terminated. So a slow or
// stalled client costs at most about `maxBufferedBytes` plus one frame, never an unbounded queue.
import { WebSocket } from 'ws';

export interface FlowOptions {
  maxBufferedBytes: number;
  stallTimeoutMs: number;
  now?: () => number;
  /** Called once when a stalled client is terminated. */
  onStalled?(): void;
}

export interface FlowStats {
  sent: number;
  skipped: number;
}

export interface Flow {
  /** Sends `data` now, or keeps it as the newest pending frame when the client is behind. */
  offer(data: Buffer): void;
  /** Sends a small control message (ack, error) unless the client is behind; true if sent. */
  control(text: string): boolean;
  /** Terminates the client if it has been over the limit past the stall timeout; true if it did. */
  checkStall(): boolean;
  stats(): FlowStats;
}

export function createFlow(ws: WebSocket, options: FlowOptions): Flow {
  const { maxBufferedBytes, stallTimeoutMs } = options;
  const now = options.now ?? Date.now;
  let pending: Buffer | undefined;
  let behindSince: number | undefined;
  let sent = 0;
  let skipped = 0;

  const open = () => ws.readyState === WebSocket.OPEN;
  const behind = () => ws.bufferedAmount >= maxBufferedBytes;

  // One callback per client, not per send: when a write completes, a remembered frame goes out.
  const afterWrite = (error?: Error) => {
    if (error || !pending || !open() || behind()) return;
    const data = pending;
    pending = undefined;
    write(data);
  };

  function write(data: Buffer) {
    behindSince = undefined;
    sent++;
    ws.send(data, { binary: false }, afterWrite);
  }

  function checkStall(): boolean {
    if (behindSince === undefined || !open()) return false;
    if (!behind()) {
      behindSince = undefined;
      return false;
    }
    if (now() - behindSince < stallTimeoutMs) return false;
    options.onStalled?.();
    ws.terminate();
    return true;
  }

  return {
    offer(data) {
      if (!open()) return;
      if (behind()) {
        if (pending) skipped++;
        pending = data;
        behindSince ??= now();
        checkStall();
        return;
      }
      if (pending) skipped++;
      pending = undefined;
      write(data);
    },
    control(text) {
      if (!open() || behind()) return false;
      ws.send(text);
      return true;
    },
    checkStall,
    stats: () => ({ sent, skipped }),
  };
}
