// The OpenAPI component schemas are generated from lib/types.ts: this fails when someone changes a
// payload type and not the generated file (fix: npm run openapi:schemas, then review the diff).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { PAYLOAD_SCHEMAS } from '../../lib/openapi/payload-schemas.js';
import { generatePayloadSchemas, renderSchemasFile, SCHEMAS_FILE } from './generate-schemas.js';

const generated = generatePayloadSchemas();

test('lib/openapi/payload-schemas.ts is what ts-json-schema-generator makes of lib/types.ts today', () => {
  assert.equal(PAYLOAD_SCHEMAS, generated, 'stale: run `npm run openapi:schemas`');
  assert.is(readFileSync(SCHEMAS_FILE, 'utf8'), renderSchemasFile(generated), 'stale: run `npm run openapi:schemas`');
});

test('every payload the service sends has a schema, strict about unknown fields', () => {
  for (const name of ['SystemStats', 'CpuStats', 'MemoryStats', 'GpuStats', 'DiskStats', 'NetworkStats', 'ProcessStats',
    'HealthResponse', 'ErrorResponse', 'StatsSelection', 'HistoryResponse', 'WsSubscribeMessage', 'WsSubscribedMessage', 'WsErrorMessage']) {
    const schema = generated[name] as { type?: string; additionalProperties?: boolean } | undefined;
    assert.ok(schema, name);
    assert.is(schema!.type, 'object', name);
    assert.is(schema!.additionalProperties, false, `${name} allows no undocumented field`);
  }
});

test('nullable readings allow null, and only they do', () => {
  const gpu = generated.GpuStats as { properties: Record<string, { type?: unknown }>; required: string[] };
  assert.equal(gpu.properties.temperature!.type, ['number', 'null']);
  assert.is(gpu.properties.name!.type, 'string');
  assert.ok(gpu.required.includes('processes'), 'processes is always there');
  assert.equal((gpu.properties.processes as { anyOf?: { type?: string }[] }).anyOf?.map((s) => s.type), ['array', 'null'], 'null when unknown, not an invented empty list');
  const cpu = generated.CpuStats as { properties: Record<string, { type?: unknown }> };
  assert.is(cpu.properties.usage!.type, 'number');
  assert.equal(cpu.properties.temperature!.type, ['number', 'null']);
});

test.run();
