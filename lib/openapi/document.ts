// The OpenAPI 3.1 description served at GET /api/openapi.json. Payload schemas are generated from
// lib/types.ts (payload-schemas.ts); this file adds the paths, parameters and responses around them.
// Only paths the server really registered are described, and a spec checks that every registered
// path is described here, so the two cannot drift apart.
import { TOPICS } from '../types.js';
import { PAYLOAD_SCHEMAS } from './payload-schemas.js';

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });
const ok = (description: string, schema: Json) => ({ description, content: json(schema) });
const error = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** Refusals any request may get from the security checks (see README "Security"). */
const GUARDED = {
  '400': error('BadRequest'),
  '401': error('Unauthorized'),
  '403': error('Forbidden'),
  '414': error('UriTooLong'),
  '429': error('TooManyRequests'),
  '431': error('HeadersTooLarge'),
};

/** REST reads of the stream: 503 when no reading came within the deadline. */
const READ = { ...GUARDED, '503': error('Unavailable') };
const withoutToken = ({ '401': _unauthorized, ...rest }: typeof GUARDED) => rest;

const topicsList = (where: string) => ({
  name: 'topics',
  in: 'query',
  required: false,
  description: `Comma-separated topics (${TOPICS.join(', ')}); ${where}`,
  schema: { type: 'string', pattern: `^(${TOPICS.join('|')})(,(${TOPICS.join('|')}))*$` },
  explode: false,
});

const topicRead = (topic: string, schema: Json) => ({
  get: {
    operationId: `getStats${topic[0]!.toUpperCase()}${topic.slice(1)}`,
    summary: `The ${topic} part of /api/stats alone; wakes only that collector`,
    tags: ['stats'],
    responses: { '200': ok(`The ${topic} payload, exactly as inside /api/stats`, schema), ...READ },
  },
});

const PATHS: Record<string, Json> = {
  '/': {
    get: {
      operationId: 'getDashboard',
      summary: 'The dashboard page (HTML), served by the service itself; no token needed (it holds no telemetry)',
      tags: ['service'],
      responses: { '200': { description: 'The dashboard', content: { 'text/html': { schema: { type: 'string' } } } }, ...withoutToken(GUARDED) },
    },
  },
  '/api/health': {
    get: {
      operationId: 'getHealth',
      summary: 'Service and collector health; never wakes a collector',
      tags: ['service'],
      responses: { '200': ok('Health', ref('HealthResponse')), ...GUARDED },
    },
  },
  '/api/stats': {
    get: {
      operationId: 'getStats',
      summary: 'The whole stats object (the latest reading of the shared stream)',
      tags: ['stats'],
      responses: { '200': ok('Every topic, diskIO (the machine-wide disk I/O line beside disk), uptime and timestamp', ref('SystemStats')), ...READ },
    },
  },
  '/api/stats/cpu': topicRead('cpu', ref('CpuStats')),
  '/api/stats/memory': topicRead('memory', ref('MemoryStats')),
  '/api/stats/gpu': topicRead('gpu', { type: 'array', items: ref('GpuStats') }),
  '/api/stats/disk': topicRead('disk', { type: 'array', items: ref('DiskStats') }),
  '/api/stats/network': topicRead('network', ref('NetworkStats')),
  '/api/stats/processes': {
    get: {
      operationId: 'getStatsProcesses',
      summary: 'The AI/ML processes by CPU, or with scope=all the top processes of all',
      tags: ['stats'],
      parameters: [
        { name: 'scope', in: 'query', required: false, description: '`ai` (default): AI/ML processes; `all`: every process', schema: { type: 'string', enum: ['ai', 'all'], default: 'ai' } },
        { name: 'limit', in: 'query', required: false, description: 'How many (default: the service\'s --process-limit, 25)', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
      ],
      responses: { '200': ok('Processes, busiest first', { type: 'array', items: ref('ProcessStats') }), ...READ },
    },
  },
  '/api/history': {
    get: {
      operationId: 'getHistory',
      summary: 'Recent samples of the chosen topics, kept while collection runs (empty when nothing was collected); never wakes a collector',
      tags: ['stats'],
      parameters: [
        topicsList('default: every topic'),
        { name: 'since', in: 'query', required: false, description: 'Only samples after this time (ISO-8601)', schema: { type: 'string', format: 'date-time' } },
      ],
      responses: { '200': ok('Samples, oldest first', ref('HistoryResponse')), ...GUARDED },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: 'Prometheus text exposition of the same stream (wakes the collectors like any reader)',
      tags: ['service'],
      responses: {
        '200': {
          description: 'Prometheus text format 0.0.4: widgets_* families, collector health and process_* metrics of the service itself',
          content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
        },
        ...READ,
      },
    },
  },
  '/api/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      tags: ['service'],
      responses: { '200': ok('OpenAPI 3.1 description of the service', { type: 'object' }), ...GUARDED },
    },
  },
  '/ws/stats': {
    get: {
      operationId: 'streamStats',
      summary: 'WebSocket: the stats object at connect and once per interval',
      description: [
        'Connect with a WebSocket client (`Upgrade: websocket`). A client that sends nothing receives the full',
        'stats object (`SystemStats`, as GET /api/stats) at once and then once per interval, nothing else.',
        'With `topics` (query or a `WsSubscribeMessage`), messages are `StatsSelection`: the chosen parts plus',
        'uptime and timestamp. A subscribe message is answered by one `WsSubscribedMessage`, then the new stream.',
        'A malformed message (invalid JSON, unknown fields or topics, a bad interval, binary, over 4 KiB) gets one',
        '`WsErrorMessage` and the connection stays usable; more than 5 within 60 s, or a bad query string, close',
        'it with 1008, as does sending more than 20 messages per second (bursts of 40), each after one last',
        '`WsErrorMessage`. Close codes: 1001 service shutting down, 1007 invalid UTF-8, 1009 message over 64 KiB.',
        'The service pings every 30 s; a client that misses a pong is terminated.',
      ].join(' '),
      tags: ['stats'],
      parameters: [
        topicsList('default: every topic'),
        { name: 'interval', in: 'query', required: false, description: 'Milliseconds between messages, clamped to 500–60000 and never faster than the service samples', schema: { type: 'number' } },
        { name: 'token', in: 'query', required: false, description: 'The token, for browsers (which cannot set headers on WebSockets); only here, never on REST', schema: { type: 'string' } },
        { name: 'history', in: 'query', required: false, description: '`1`: first one `WsHistoryMessage` with everything kept (as GET /api/history), then the stream; an ISO-8601 time: only what came after it', schema: { type: 'string' } },
      ],
      responses: {
        '101': { description: 'Switching Protocols: the WebSocket stream begins' },
        '400': { description: 'A plain GET without an upgrade, or refused by the security checks', content: json(ref('ErrorResponse')) },
        '401': error('Unauthorized'),
        '403': error('Forbidden'),
        '429': error('TooManyRequests'),
        '503': error('Unavailable'),
      },
      'x-websocket': {
        clientMessages: ref('WsSubscribeMessage'),
        // anyOf: a full stats object is also a valid selection (of every topic).
        serverMessages: { anyOf: [ref('SystemStats'), ref('StatsSelection'), ref('WsSubscribedMessage'), ref('WsErrorMessage'), ref('WsHistoryMessage')] },
      },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: json(ref('ErrorResponse')) });

/** The document for a server whose registered paths are `paths` (/ws/stats is always there). */
export function openApiDocument(version: string, paths: Iterable<string>): Json {
  const served = new Set([...paths, '/ws/stats']);
  return {
    openapi: '3.1.0',
    info: {
      title: 'widgets-service',
      version,
      summary: 'Live system telemetry (CPU, memory, GPU, disk, network, processes) for dashboard widgets',
      description: 'Units: bytes, percent 0–100, MHz, °C, W, seconds, ISO-8601 UTC timestamps. `null` means the machine cannot tell. Every error is JSON `{error, status}`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // No `servers`: paths are relative to wherever this document was fetched from (any host and port).
    // The token is required only when the service was started with one (always when not on loopback).
    security: [{}, { bearerAuth: [] }],
    tags: [{ name: 'stats' }, { name: 'service' }],
    paths: Object.fromEntries(Object.entries(PATHS).filter(([path]) => served.has(path))),
    components: {
      schemas: PAYLOAD_SCHEMAS,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The --token / WIDGETS_TOKEN secret' },
      },
      responses: {
        BadRequest: errorResponse('Bad request: invalid query parameter, Host not allowed, or malformed request'),
        Unauthorized: errorResponse('The service has a token and the request did not carry it'),
        Forbidden: errorResponse('The Origin (null unless --allow-null-origin) or Host is not allowed, or a cross-site browser request without CORS'),
        UriTooLong: errorResponse('Request target over 8 KiB'),
        TooManyRequests: errorResponse('Rate limit reached (see Retry-After)'),
        HeadersTooLarge: errorResponse('Headers over 16 KiB'),
        Unavailable: errorResponse('No reading within the deadline, too many WebSocket clients, or shutting down (see Retry-After)'),
      },
    },
  };
}

/** Paths this module can describe (for the spec that checks nothing registered is left out). */
export const DESCRIBED_PATHS: readonly string[] = Object.keys(PATHS);
