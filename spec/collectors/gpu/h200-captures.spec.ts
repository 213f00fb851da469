// The captures this project made on a lent NVIDIA H200 (driver 580.159.04): the service's own
// field list, idle and under a PyTorch load, its compute apps, and `-q -x`. See the fixtures README, G.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { parseQueryGpu } from '../../../lib/collectors/gpu/nvidia-csv.js';
import { joinProcesses, parseComputeApps, processesByUuid } from '../../../lib/collectors/gpu/nvidia-apps.js';
import { parseNvidiaXml } from '../../../lib/collectors/gpu/nvidia-xml.js';

const read = (name: string) => readFileSync(fixture(`nvidia-smi/${name}`), 'utf8');
const MIB = 1024 * 1024;
const UUID = 'GPU-c2075d38-b0f2-3f16-2ba5-d2345eaa21e2';

test('H200 under load: the numbers nvidia-smi printed, a fan it does not have as null', () => {
  const [gpu, ...rest] = parseQueryGpu(read('query-gpu-service-fields-h200-580.159.04-load.csv'));
  assert.is(rest.length, 0);
  assert.is(gpu!.name, 'NVIDIA H200');
  assert.is(gpu!.uuid, UUID);
  assert.is(gpu!.usage, 98);
  assert.is(gpu!.memory.total, 143771 * MIB);
  assert.is(gpu!.memory.used, 975 * MIB);
  assert.is(gpu!.memoryUsed, 975 * MIB, 'the flat field ClaraVerse reads');
  assert.is(gpu!.temperature, 55);
  assert.is(gpu!.fanSpeed, null, '[N/A] on a passively cooled card');
  assert.is(gpu!.powerDraw, 688.59);
  assert.is(gpu!.powerLimit, 700);
  assert.is(gpu!.clockCore, 1545);
  assert.is(gpu!.clockMemory, 3201);
});

test('H200 idle: a real 0 % is 0, not null', () => {
  const [gpu] = parseQueryGpu(read('query-gpu-service-fields-h200-580.159.04-idle.csv'));
  assert.is(gpu!.usage, 0);
  assert.is(gpu!.memory.used, 0);
  assert.is(gpu!.powerDraw, 77.31);
});

test('H200 compute apps: the loaded python3 joins its GPU; the idle capture is an empty list', () => {
  const rows = parseComputeApps(read('compute-apps-h200-580.159.04-load.csv'));
  assert.equal(rows.map((r) => [r.gpuUuid, r.pid, r.name]), [[UUID, 447, 'python3']]);
  const [gpu] = joinProcesses(parseQueryGpu(read('query-gpu-service-fields-h200-580.159.04-load.csv')), processesByUuid(rows));
  assert.equal(gpu!.processes, [{ pid: 447, name: 'python3', usedMemory: 966 * MIB }]);
  assert.equal(parseComputeApps(read('compute-apps-h200-580.159.04-idle-empty.csv')), []);
});

test('H200 -q -x: name, UUID and memory agree with the CSV', () => {
  const [gpu] = parseNvidiaXml(read('xml-h200-580.159.04-v13.xml'));
  assert.ok(gpu, 'one GPU');
  const text = JSON.stringify(gpu);
  assert.match(text, /NVIDIA H200/);
  assert.match(text, new RegExp(UUID));
});

test.run();
