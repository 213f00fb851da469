// What a client of /ws/stats sees of the endpoint: its path, the close codes it uses, and the
// shape of a refusal. No `ws` types here, so the public declarations need no @types/ws.

export const STATS_PATH = '/ws/stats';

/** Close codes this endpoint uses (RFC 6455 §7.4.1). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_INTERNAL_ERROR = 1011;

/** A refusal may carry headers (e.g. `Retry-After` with 429); they are sent with the HTTP answer. */
export type Authorization = { ok: true } | { ok: false; status: number; error: string; headers?: Record<string, string> };
