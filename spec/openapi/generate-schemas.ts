// Generates lib/openapi/payload-schemas.ts from lib/types.ts with ts-json-schema-generator: the
// OpenAPI document's component schemas are the TypeScript payload types, not a hand-written copy.
// `npm run openapi:schemas` rewrites the file; spec/openapi/schemas.spec.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { ROOT } from '../helpers/service.js';

export const SCHEMAS_FILE = join(ROOT, 'lib', 'openapi', 'payload-schemas.ts');

/** Every exported type of lib/types.ts as a JSON Schema (2020-12 compatible), refs pointing at #/components/schemas. */
export function generatePayloadSchemas(): Record<string, unknown> {
  const generator = createGenerator({
    path: join(ROOT, 'lib', 'types.ts'),
    tsconfig: join(ROOT, 'tsconfig.json'),
    type: '*',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    skipTypeCheck: true,
  });
  const { definitions = {} } = generator.createSchema('*');
  const text = JSON.stringify(definitions)
    .replaceAll('"#/definitions/', '"#/components/schemas/');
  const parsed = JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(parsed).sort().map((k) => [k, parsed[k]]));
}

export function renderSchemasFile(schemas: Record<string, unknown>): string {
  return [
    '// GENERATED from lib/types.ts by `npm run openapi:schemas` (spec/openapi/generate-schemas.ts): do not edit.',
    '// spec/openapi/schemas.spec.ts fails when this file no longer matches the types.',
    '',
    `export const PAYLOAD_SCHEMAS: Record<string, object> = ${JSON.stringify(schemas, null, 2)};`,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  writeFileSync(SCHEMAS_FILE, renderSchemasFile(generatePayloadSchemas()));
  console.log(`wrote ${SCHEMAS_FILE}`);
}
