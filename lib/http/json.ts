import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { ErrorResponse } from '../types.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, status } satisfies ErrorResponse, headers);
}

/**
 * A whole HTTP/1.1 error response with the same `{error, status}` body as `sendError`, for the
 * places that only have a raw socket (refused upgrades, CONNECT, requests Node could not parse).
 */
export function rawErrorResponse(status: number, error: string, headers: Record<string, string> = {}): string {
  const body = JSON.stringify({ error, status } satisfies ErrorResponse);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
