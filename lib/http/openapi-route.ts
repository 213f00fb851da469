// GET /api/openapi.json: the OpenAPI 3.1 description of the routes this server registered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openApiDocument } from '../openapi/document.js';
import { sendJson } from './json.js';

export function openApiRoute(version: string, registeredPaths: () => Iterable<string>) {
  let document: Record<string, unknown> | undefined;
  return (_req: IncomingMessage, res: ServerResponse): void => {
    // Built on first use: by then every route is registered.
    document ??= openApiDocument(version, registeredPaths());
    sendJson(res, 200, document);
  };
}
