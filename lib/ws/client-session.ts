// One connected /ws/stats client: its subscription to the shared frames, its flow control, and
// what happens to each message it sends.
import type { Subscription } from 'rxjs';
import { WebSocket, type RawData } from 'ws';
import { oneLine } from '../format/one-line.js';
import type { Logger } from '../log.js';
import { createFlow, type Flow } from './backpressure.js';
import { CLOSE_INTERNAL_ERROR, CLOSE_POLICY_VIOLATION } from './endpoint.js';
import type { FrameSource } from './frames.js';
import type { HeartbeatTarget } from './heartbeat.js';
import { createMessageBudget, type MessageBudget } from './message-budget.js';
import { parseClientMessage, type HistoryRequest, type ParseResult, type Selection } from './protocol.js';
import type { ResolvedSocketOptions } from './socket-options.js';
import type { HistoryResponse, WsErrorMessage, WsHistoryMessage, WsSubscribedMessage } from '../types.js';


export interface ClientSession extends HeartbeatTarget {
  readonly ws: WebSocket;
  readonly flow: Flow;
  readonly selection: Selection;
  /** Stops the stream for this client (it stays connected). */
  unsubscribe(): void;
}

export interface SessionContext {
  frames: FrameSource;
  logger: Logger;
  options: ResolvedSocketOptions;
  /** Called once when the socket closes. */
  onClose(session: ClientSession): void;
  /** The recent history of these topics, for a client that asks for it. */
  history(request: HistoryRequest, topics: Selection['topics']): HistoryResponse;
}

export function startSession(ws: WebSocket, initial: Selection, ctx: SessionContext, initialHistory?: HistoryRequest): ClientSession {
  const { frames, logger, options } = ctx;
  const budget: MessageBudget = createMessageBudget(options);
  let subscription: Subscription | undefined;
  const session = {
    ws,
    awaitingPong: false,
    selection: initial,
    flow: createFlow(ws, {
      maxBufferedBytes: options.maxBufferedBytes,
      stallTimeoutMs: options.stallTimeoutMs,
      onStalled: () => logger.warnOnce('ws:stalled', `WebSocket client stalled for over ${options.stallTimeoutMs} ms; terminated`),
    }),
    unsubscribe() {
      subscription?.unsubscribe();
      subscription = undefined;
    },
  };

  function subscribe(selection: Selection) {
    const previous = subscription;
    session.selection = selection;
    // New first, then old: when only the interval changes the collectors never see zero listeners.
    subscription = frames.frames(selection).subscribe({
      next: (frame) => session.flow.offer(frame.data),
      error: (error: unknown) => {
        logger.warnOnce('ws:stream', `stats stream failed: ${oneLine(error)}`);
        ws.close(CLOSE_INTERNAL_ERROR, 'stats stream failed');
      },
    });
    previous?.unsubscribe();
  }

  /** One error message, then close with 1008 (sent even when the client is behind: it is the last word). */
  function expel(error: string, why: string) {
    logger.warnOnce(`ws:${why}`, `WebSocket client closed: ${why}`);
    ws.send(JSON.stringify({ error } satisfies WsErrorMessage));
    ws.close(CLOSE_POLICY_VIOLATION, why);
  }

  function onMessage(data: RawData, isBinary: boolean) {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (!budget.admit()) {
      return expel(`too many messages; at most ${options.messagesPerSecond} per second (bursts of ${options.messageBurst})`, 'too many messages');
    }
    const result = parse(data, isBinary, session.selection, options);
    if (!result.ok) {
      if (!budget.recordBad()) {
        const window = `${options.badMessageWindowMs / 1000} s`;
        return expel(`too many invalid messages (more than ${options.maxBadMessages} within ${window}); last: ${result.error}`, 'too many invalid messages');
      }
      session.flow.control(JSON.stringify({ error: result.error } satisfies WsErrorMessage));
      return;
    }
    const selection = result.selection;
    session.flow.control(JSON.stringify({ subscribed: selection.topics, interval: frames.effectiveIntervalMs(selection) } satisfies WsSubscribedMessage));
    if (result.history) sendHistory(selection, result.history);
    subscribe(selection);
  }

  ws.on('error', (error) => logger.warnOnce(`ws:error:${error.message}`, `WebSocket client error: ${oneLine(error)}`));
  ws.on('close', () => {
    session.unsubscribe();
    ctx.onClose(session);
  });
  ws.on('message', onMessage);
  /** One `{"history": {intervalMs, samples}}` message, before the stream it precedes. */
  function sendHistory(selection: Selection, request: HistoryRequest) {
    session.flow.control(JSON.stringify({ history: ctx.history(request, selection.topics) } satisfies WsHistoryMessage));
  }

  if (initialHistory) sendHistory(initial, initialHistory);
  subscribe(initial);
  return session;
}

function parse(data: RawData, isBinary: boolean, current: Selection, options: ResolvedSocketOptions): ParseResult {
  if (isBinary) return { ok: false, error: 'binary messages are not supported; send JSON text' };
  const bytes = byteLength(data);
  if (bytes > options.maxPayloadBytes) return { ok: false, error: `message too long (${bytes} bytes; at most ${options.maxPayloadBytes})` };
  return parseClientMessage(toText(data), current, options.limits);
}

function byteLength(data: RawData): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
