// The /ws/stats options: defaults from lib/defaults.ts, each validated with a message naming it.
import { WS_DEFAULTS } from '../defaults.js';
import { checkMs, checkPositive, checkWhole, OptionError } from '../option-check.js';
import type { IntervalLimits } from './protocol.js';

export interface StatsSocketOptions {
  /** Concurrent clients; the next upgrade is refused with HTTP 503 (default 64). */
  maxClients?: number;
  /** Client messages longer than this get an error and the connection stays open (default 4096 bytes). */
  maxPayloadBytes?: number;
  /** Messages longer than this close the connection with 1009 (default 64 KiB, never below maxPayloadBytes). */
  hardMaxPayloadBytes?: number;
  /** Messages (valid or not) each client earns per second; beyond the burst: an error, then 1008 (default 20). */
  messagesPerSecond?: number;
  /** Messages a client may send at once (default 40). */
  messageBurst?: number;
  /** This many invalid messages within `badMessageWindowMs` are answered; one more closes with 1008 (default 5). */
  maxBadMessages?: number;
  /** Default 60000. */
  badMessageWindowMs?: number;
  /** Ping period, ms; a client that has not answered the previous ping is terminated (default 30000). */
  heartbeatMs?: number;
  /** A client with more unsent bytes than this gets frames skipped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** A client that stays over `maxBufferedBytes` this long is terminated, ms (default 30000). */
  stallTimeoutMs?: number;
  /** Requested intervals are clamped to [minIntervalMs, maxIntervalMs] (defaults 500, 60000). */
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** How long close() waits for closing handshakes before terminating, ms (default 500). */
  closeGraceMs?: number;
}

export interface ResolvedSocketOptions {
  maxClients: number;
  maxPayloadBytes: number;
  hardMaxPayloadBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
  maxBadMessages: number;
  badMessageWindowMs: number;
  heartbeatMs: number;
  maxBufferedBytes: number;
  stallTimeoutMs: number;
  limits: IntervalLimits;
  closeGraceMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const GiB = 1024 ** 3;

export function resolveSocketOptions(options: StatsSocketOptions = {}): ResolvedSocketOptions {
  const d = WS_DEFAULTS;
  const name = (key: keyof StatsSocketOptions) => `webSocket.${key}`;
  const maxPayloadBytes = checkWhole(name('maxPayloadBytes'), options.maxPayloadBytes ?? d.maxPayloadBytes, 16, 64 * 1024 * 1024);
  const limits: IntervalLimits = {
    minIntervalMs: checkMs(name('minIntervalMs'), options.minIntervalMs ?? d.minIntervalMs, 1, DAY_MS),
    maxIntervalMs: checkMs(name('maxIntervalMs'), options.maxIntervalMs ?? d.maxIntervalMs, 1, DAY_MS),
  };
  if (limits.minIntervalMs > limits.maxIntervalMs) {
    throw new OptionError(`webSocket.minIntervalMs (${limits.minIntervalMs}) must not exceed webSocket.maxIntervalMs (${limits.maxIntervalMs})`);
  }
  return {
    maxClients: checkWhole(name('maxClients'), options.maxClients ?? d.maxClients, 1, 100_000),
    maxPayloadBytes,
    hardMaxPayloadBytes: Math.max(
      maxPayloadBytes,
      checkWhole(name('hardMaxPayloadBytes'), options.hardMaxPayloadBytes ?? d.hardMaxPayloadBytes, 16, 64 * 1024 * 1024),
    ),
    messagesPerSecond: checkPositive(name('messagesPerSecond'), options.messagesPerSecond ?? d.messagesPerSecond, 1_000_000),
    messageBurst: checkWhole(name('messageBurst'), options.messageBurst ?? d.messageBurst, 1, 1_000_000),
    maxBadMessages: checkWhole(name('maxBadMessages'), options.maxBadMessages ?? d.maxBadMessages, 0, 1_000_000),
    badMessageWindowMs: checkMs(name('badMessageWindowMs'), options.badMessageWindowMs ?? d.badMessageWindowMs, 1, DAY_MS),
    heartbeatMs: checkMs(name('heartbeatMs'), options.heartbeatMs ?? d.heartbeatMs, 1, DAY_MS),
    maxBufferedBytes: checkWhole(name('maxBufferedBytes'), options.maxBufferedBytes ?? d.maxBufferedBytes, 1, GiB),
    stallTimeoutMs: checkMs(name('stallTimeoutMs'), options.stallTimeoutMs ?? d.stallTimeoutMs, 1, DAY_MS),
    limits,
    closeGraceMs: checkMs(name('closeGraceMs'), options.closeGraceMs ?? d.closeGraceMs, 0, 60_000),
  };
}
