// GET /api/openapi.json from the built service: a valid OpenAPI 3.1 document (checked by a real
// validator) that describes every registered route, and whose schemas every live JSON answer
// (REST, errors and WebSocket messages) satisfies, checked with ajv.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { getJson, startService, type RunningService } from '../helpers/service.js';
import { fakeGpuPath, fixture, type FakeGpuPath } from '../helpers/fake-gpu-path.js';
import { connect } from '../helpers/ws-client.js';
import { createMonitor } from '../../lib/monitor.js';
import { createRoutes } from '../../lib/http/routes.js';
import { DESCRIBED_PATHS } from '../../lib/openapi/document.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const test = suite('OpenAPI document');
const nvidia = (f: string) => fixture(`nvidia-smi/${f}`);

let service: RunningService;
let fake: FakeGpuPath;
let doc: any;
let ajv: Ajv2020;

test.before(async () => {
  fake = fakeGpuPath({
    FAKE_NVIDIA_SMI_CSV: [nvidia('query-gpu-all-fields-l40s-595.80-load.csv'), nvidia('query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv')].join(':'),
    FAKE_NVIDIA_SMI_APPS: nvidia('compute-apps-rtx4080super-linux-595.71.05-load.csv'),
  }, ['nvidia-smi'], true);
  service = await startService(['--interval', '300ms'], fake.env);
  const res = await getJson(`${service.url}/api/openapi.json`);
  assert.is(res.status, 200);
  doc = res.body;
  ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema(doc, 'openapi');
});

test.after(async () => {
  await service?.stop();
  fake?.cleanup();
});

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The validator of the documented response body of GET `path` with this status. */
function responseSchema(path: string, status: number, contentType = 'application/json'): ValidateFunction {
  let response = doc.paths[path]?.get?.responses?.[String(status)];
  assert.ok(response, `GET ${path} documents ${status}`);
  let base = pointer('paths', path, 'get', 'responses', String(status));
  if (response.$ref) {
    base = response.$ref.slice(2);
    response = base.split('/').reduce((node: any, key: string) => node[key], doc);
  }
  assert.ok(response.content?.[contentType], `GET ${path} ${status} documents ${contentType}`);
  return ajv.compile({ $ref: `openapi#/${base}/${pointer('content', contentType, 'schema')}` });
}

const component = (name: string) => ajv.compile({ $ref: `openapi#/components/schemas/${name}` });

function check(validate: ValidateFunction, body: unknown, what: string) {
  const ok = validate(body);
  assert.ok(ok, `${what}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

test('a valid OpenAPI 3.1 document, every $ref resolving', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  assert.is(validator.version, '3.1');
  validator.resolveRefs(); // throws on a dangling $ref
  assert.is(doc.openapi, '3.1.0');
  assert.type(doc.info.version, 'string');
});

test('every route the server registers is described, and nothing it does not serve', () => {
  const monitor = createMonitor({});
  const routes = createRoutes({ monitor, version: 'x', activeConnections: () => 0, startedAt: 0, readTimeoutMs: 1000 });
  monitor.close();
  const served = [...routes.keys(), '/ws/stats'].sort();
  assert.equal(Object.keys(doc.paths).sort(), served);
  for (const path of served) assert.ok(DESCRIBED_PATHS.includes(path), `${path} described`);
  for (const path of ['/api/health', '/api/stats', '/api/stats/cpu', '/api/stats/memory', '/api/stats/gpu', '/api/stats/disk',
    '/api/stats/network', '/api/stats/processes', '/api/history', '/metrics', '/api/openapi.json', '/ws/stats']) {
    assert.ok(DESCRIBED_PATHS.includes(path), `the document knows how to describe ${path}`);
  }
});

test('live answers of every JSON endpoint match their documented schemas (2 GPUs with processes)', async () => {
  // Wait until the GPU processes are in, so GpuStats.processes is checked too.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const gpu = (await getJson(`${service.url}/api/stats/gpu`)).body as any[];
    if (gpu.some((g) => (g.processes ?? []).length > 0)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const jsonGets = Object.entries(doc.paths)
    .filter(([, item]: [string, any]) => item.get?.responses?.['200']?.content?.['application/json'])
    .map(([path]) => path);
  assert.ok(jsonGets.length >= 9, jsonGets.join(' '));
  const urls = jsonGets.flatMap((p) => (p === '/api/stats/processes' ? [p, `${p}?scope=all&limit=3`] : p === '/api/history' ? [`${p}?topics=cpu,gpu`] : [p]));
  for (const url of urls) {
    const res = await getJson(`${service.url}${url}`);
    assert.is(res.status, 200, url);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    check(responseSchema(url.split('?')[0]!, 200), res.body, `GET ${url}`);
  }
  const stats = (await getJson(`${service.url}/api/stats`)).body;
  assert.is(stats.gpu.length, 2);
  assert.is(stats.gpu[0].fanSpeed, null, 'a null reading passes where the schema allows null');
});

test('the schemas are strict: null where not allowed, a wrong type, a missing or an unknown field all fail', async () => {
  const stats = (await getJson(`${service.url}/api/stats`)).body;
  const validate = responseSchema('/api/stats', 200);
  check(validate, stats, 'as sent');
  const broken = [
    (s: any) => { s.cpu.usage = null; },
    (s: any) => { s.memory.total = '1024'; },
    (s: any) => { delete s.timestamp; },
    (s: any) => { s.timestamp = 'yesterday'; },
    (s: any) => { s.gpu[0].name = null; },
    (s: any) => { s.disk.push({ device: 'x' }); },
    (s: any) => { s.network.extra = 1; },
  ];
  for (const breakIt of broken) {
    const copy = structuredClone(stats);
    breakIt(copy);
    assert.not.ok(validate(copy), breakIt.toString());
  }
});

test('error bodies match ErrorResponse, with the documented statuses', async () => {
  const error = component('ErrorResponse');
  const bad = await getJson(`${service.url}/api/stats/processes?scope=some`);
  assert.is(bad.status, 400);
  check(responseSchema('/api/stats/processes', 400), bad.body, 'bad scope');
  const plain = await getJson(`${service.url}/ws/stats`);
  assert.is(plain.status, 400);
  check(responseSchema('/ws/stats', 400), plain.body, 'plain GET /ws/stats');
  const foreign = await getJson(`${service.url}/api/stats`, { headers: { Origin: 'https://evil.example' } });
  assert.is(foreign.status, 403);
  check(responseSchema('/api/stats', 403), foreign.body, 'foreign origin');
  const missing = await getJson(`${service.url}/api/nope`);
  assert.is(missing.status, 404);
  check(error, missing.body, 'unknown path');
  const method = await getJson(`${service.url}/api/stats`, { method: 'POST' });
  assert.is(method.status, 405);
  check(error, method.body, 'wrong method');
});

test('/metrics is documented with the content type it really has', async () => {
  const res = await fetch(`${service.url}/metrics`);
  assert.is(res.status, 200);
  assert.ok(doc.paths['/metrics'].get.responses['200'].content[res.headers.get('content-type')!], res.headers.get('content-type')!);
  await res.text();
});

test('/ws/stats messages match the documented protocol', async () => {
  const server = doc.paths['/ws/stats'].get['x-websocket'];
  const anyServer = ajv.compile({ $ref: `openapi#/${pointer('paths', '/ws/stats', 'get', 'x-websocket', 'serverMessages')}` });
  const clientMessage = ajv.compile({ $ref: `openapi#/${pointer('paths', '/ws/stats', 'get', 'x-websocket', 'clientMessages')}` });
  assert.ok(server);
  const ws = await connect(`${service.url.replace('http', 'ws')}/ws/stats`);
  try {
    const [first] = await ws.waitFor((m) => m.json?.timestamp !== undefined, 1, 5000);
    check(component('SystemStats'), first!.json, 'default message');
    const subscribe = { subscribe: ['cpu', 'gpu'], interval: 1000 };
    check(clientMessage, subscribe, 'the client message we send');
    const from = ws.messages.length;
    ws.send(JSON.stringify(subscribe));
    const [ack] = await ws.waitFor((m) => m.json?.subscribed !== undefined, 1, 5000, from);
    check(component('WsSubscribedMessage'), ack!.json, 'acknowledgement');
    const [chosen] = await ws.waitFor((m) => m.json?.timestamp !== undefined, 1, 5000, from);
    check(component('StatsSelection'), chosen!.json, 'chosen topics');
    assert.equal(Object.keys(chosen!.json), ['cpu', 'gpu', 'uptime', 'timestamp']);
    const before = ws.messages.length;
    ws.send('{"subscribe": ["teapot"]}');
    assert.not.ok(clientMessage({ subscribe: ['teapot'] }), 'the schema refuses it too');
    const [complaint] = await ws.waitFor((m) => m.json?.error !== undefined, 1, 5000, before);
    check(component('WsErrorMessage'), complaint!.json, 'error message');
    for (const m of ws.messages) check(anyServer, m.json, `server message ${m.text.slice(0, 60)}`);
  } finally {
    await ws.close();
  }
});

test.run();
