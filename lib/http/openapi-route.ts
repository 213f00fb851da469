// GET /api/openapi.json: the OpenAPI 3.1 description of the routes this server registered.
import { openApiDocument } from '../openapi/document.js';
import { sendJson } from './json.js';
import type { Handler } from './routes.js';

export function openApiRoute(version: string, registeredPaths: () => Iterable<string>): Handler {
  let document: Record<string, unknown> | undefined;
  return (_req, res) => {
    // Built on first use: by then every route is registered.
    document ??= openApiDocument(version, registeredPaths());
    sendJson(res, 200, document);
  };
}
