// Ping every client on one shared timer; a client that has not answered the previous ping by the
// next round is terminated, so dead TCP peers do not hold collection alive.
import type { WebSocket } from 'ws';

export interface HeartbeatTarget {
  readonly ws: WebSocket;
  /** Set by the heartbeat when it pings, cleared by a pong. */
  awaitingPong: boolean;
}

export interface Heartbeat {
  /** Starts watching a client (answers its pongs). */
  watch(target: HeartbeatTarget): void;
  stop(): void;
}

export interface HeartbeatOptions {
  intervalMs: number;
  clients(): Iterable<HeartbeatTarget>;
  /** Called for a client that missed a pong, just before it is terminated. */
  onMissed?(target: HeartbeatTarget): void;
  /** Runs on every round too (the stall check rides on this timer). */
  onRound?(): void;
}

export function startHeartbeat({ intervalMs, clients, onMissed, onRound }: HeartbeatOptions): Heartbeat {
  const timer = setInterval(() => {
    for (const target of clients()) {
      if (target.awaitingPong) {
        onMissed?.(target);
        target.ws.terminate();
        continue;
      }
      target.awaitingPong = true;
      try {
        target.ws.ping();
      } catch {
        target.ws.terminate();
      }
    }
    onRound?.();
  }, intervalMs);
  timer.unref();
  return {
    watch(target) {
      target.awaitingPong = false;
      target.ws.on('pong', () => {
        target.awaitingPong = false;
      });
    },
    stop: () => clearInterval(timer),
  };
}
