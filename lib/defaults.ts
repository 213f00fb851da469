// Every default and limit of the service, once (like ws's lib/constants.js). The CLI's --help,
// the option resolvers and the README's tables are built from or checked against this table;
// nothing else retypes these numbers.

const KiB = 1024;
const MiB = 1024 * KiB;

/** Where and how often the service samples (monitor and server). */
export const SERVICE_DEFAULTS = Object.freeze({
  port: 8765,
  host: '127.0.0.1',
  /** Sampling interval, ms, and its allowed range (`--interval`). */
  intervalMs: 2000,
  minIntervalMs: 100,
  maxIntervalMs: 3_600_000,
  /** Collection goes on this long after the last reader leaves, ms (`--linger`). */
  lingerMs: 5000,
  /** AI/ML processes listed by /api/stats/processes (`--process-limit`). */
  processLimit: 25,
  /** How far back /api/history and the dashboard reach, ms (`--history`; 0 = off), and its most. */
  historyMs: 600_000,
  maxHistoryMs: 86_400_000,
});

/** HTTP limits: the security checks and Node's server options. */
export const HTTP_DEFAULTS = Object.freeze({
  /** Requests per second each client earns (per address; on loopback per address and browser origin), and the burst (`--rate-limit`, `--rate-burst`). */
  requestsPerSecond: 20,
  burst: 40,
  /** Most rate-limit keys remembered at once (bounds the limiter's memory). */
  maxTracked: 10_000,
  /** Longest request target (414 beyond). */
  maxUrlBytes: 8 * KiB,
  /** All request headers together (431 beyond), Node's default stated explicitly. */
  maxHeaderBytes: 16 * KiB,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
});

/** The /ws/stats endpoint. */
export const WS_DEFAULTS = Object.freeze({
  /** Concurrent clients; the next upgrade gets 503 (`--max-ws-clients`). */
  maxClients: 64,
  /** Client messages longer than this get an error and the connection stays open. */
  maxPayloadBytes: 4 * KiB,
  /** Messages longer than this close the connection with 1009 (never below maxPayloadBytes). */
  hardMaxPayloadBytes: 64 * KiB,
  /** Messages each client may send per second, and at once (then an error and close 1008). */
  messagesPerSecond: 20,
  messageBurst: 40,
  /** This many invalid messages within the window are answered; one more closes with 1008. */
  maxBadMessages: 5,
  badMessageWindowMs: 60_000,
  heartbeatMs: 30_000,
  /** A client with more unsent bytes than this has frames skipped. */
  maxBufferedBytes: 1 * MiB,
  /** A client over maxBufferedBytes this long is terminated. */
  stallTimeoutMs: 30_000,
  /** Requested stream intervals are clamped to this range. */
  minIntervalMs: 500,
  maxIntervalMs: 60_000,
  /** close() waits this long for closing handshakes before terminating. */
  closeGraceMs: 500,
});

/** "2000 ms" -> "2s", "3600000" -> "1h": durations in --help the way a user types them. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
