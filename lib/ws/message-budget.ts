// What one client may send: a token bucket over all its messages (a flood of valid messages is
// as costly as garbage: each one is parsed and may switch subscriptions), and a sliding window
// over its invalid ones. Pure bookkeeping, clock injected.
import { createTokenBucket } from '../security/rate-limit.js';

export interface MessageBudgetOptions {
  messagesPerSecond: number;
  messageBurst: number;
  maxBadMessages: number;
  badMessageWindowMs: number;
}

export interface MessageBudget {
  /** Spends one message; false once the client sends faster than its rate and burst allow. */
  admit(): boolean;
  /** Records an invalid message; false once there are more than `maxBadMessages` in the window. */
  recordBad(): boolean;
}

export function createMessageBudget(options: MessageBudgetOptions, now: () => number = () => performance.now()): MessageBudget {
  const bucket = createTokenBucket(options.messagesPerSecond, options.messageBurst, now());
  let bad: number[] = [];
  return {
    admit: () => bucket.take(now()).ok,
    recordBad() {
      const t = now();
      bad = bad.filter((at) => t - at < options.badMessageWindowMs);
      bad.push(t);
      return bad.length <= options.maxBadMessages;
    },
  };
}
