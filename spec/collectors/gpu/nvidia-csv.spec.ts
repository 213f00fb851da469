import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { DEFAULT_GPU_FIELDS, createBlockSplitter, parseNvidiaCsv, parseQueryGpu } from '../../../lib/collectors/gpu/nvidia-csv.js';
import { MIB, isUnavailable, parseNumber } from '../../../lib/collectors/gpu/units.js';

const read = (name: string) => readFileSync(fixture(`nvidia-smi/${name}`), 'utf8');

function noNaN(value: unknown): void {
  JSON.stringify(value, (_k, v) => { assert.ok(!(typeof v === 'number' && !Number.isFinite(v)), 'a NaN/Infinity slipped through'); return v; });
}

test('every "no value" spelling is unavailable; a stopped fan\'s 0 is a reading', () => {
  for (const v of ['[N/A]', 'N/A', '[Not Supported]', '[Unknown Error]', '[Function Not Found]', '[Insufficient Permissions]',
    '[Requested functionality has been deprecated]', '', '  ', 'N/A (Secondary die)']) assert.ok(isUnavailable(v), v);
  assert.is(parseNumber('0 %'), 0);
  assert.is(parseNumber('433.78 W'), 433.78);
  assert.is(parseNumber('81559 MiB'), 81559);
  assert.is(parseNumber('(1200Mhz)'), 1200);
  assert.is(parseNumber('0x233010DE'), null);
  assert.is(parseNumber('P2'), null);
});

const ALL_FIELDS: [string, { name: string; usage: number | null; total: number; used: number; free: number; temp: number; fan: number | null; power: number; core: number; mem: number; limit: number; enc: number | null }][] = [
  ['query-gpu-all-fields-h100-mig-590.48.01-load.csv', { name: 'NVIDIA H100 80GB HBM3', usage: null, total: 81559, used: 11125, free: 69956, temp: 53, fan: null, power: 433.78, core: 1980, mem: 2619, limit: 700, enc: null }],
  ['query-gpu-all-fields-h200-mig-590.48.01-idle.csv', { name: 'NVIDIA H200', usage: null, total: 143771, used: 55, free: 143103, temp: 28, fan: null, power: 78.28, core: 345, mem: 3201, limit: 700, enc: null }],
  ['query-gpu-all-fields-h100-590.48.01-load.csv', { name: 'NVIDIA H100 80GB HBM3', usage: 100, total: 81559, used: 19818, free: 61263, temp: 59, fan: null, power: 631.95, core: 1980, mem: 2619, limit: 700, enc: 0 }],
  ['query-gpu-all-fields-l40s-595.80-load.csv', { name: 'NVIDIA L40S', usage: 9, total: 46068, used: 1235, free: 44225, temp: 54, fan: null, power: 110.23, core: 2520, mem: 9001, limit: 350, enc: 60 }],
  ['query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv', { name: 'NVIDIA GeForce RTX 4080 SUPER', usage: 7, total: 16376, used: 1474, free: 14470, temp: 46, fan: 0, power: 84.24, core: 2805, mem: 11251, limit: 320, enc: 72 }],
  ['query-gpu-all-fields-rtx2080super-windows-610.62-idle.csv', { name: 'NVIDIA GeForce RTX 2080 SUPER', usage: 0, total: 8192, used: 797, free: 7191, temp: 40, fan: 38, power: 39.25, core: 300, mem: 405, limit: 250, enc: 0 }],
  ['query-gpu-all-fields-rtx2080super-linux-610.57.04-load.csv', { name: 'NVIDIA GeForce RTX 2080 SUPER', usage: 8, total: 8192, used: 815, free: 6978, temp: 38, fan: 38, power: 98.14, core: 2070, mem: 7500, limit: 250, enc: 100 }],
];

for (const [file, e] of ALL_FIELDS) {
  test(`all-fields capture ${file}: header with units, every column parsed, the numbers a reader sees`, () => {
    const text = read(file);
    const table = parseNvidiaCsv(text);
    assert.ok(table.columns.length > 200);
    assert.is(table.rows.length, 1, 'one row per physical GPU, MIG or not');
    const [gpu] = parseQueryGpu(text);
    assert.ok(gpu);
    assert.is(gpu.name, e.name);
    assert.is(gpu.usage, e.usage);
    assert.is(gpu.memoryTotal, e.total * MIB);
    assert.is(gpu.memory.total, e.total * MIB);
    assert.is(gpu.memoryUsed, e.used * MIB);
    assert.is(gpu.memoryFree, e.free * MIB);
    assert.is(gpu.memoryPercent, Math.round((e.used / e.total) * 10000) / 100);
    assert.is(gpu.temperature, e.temp);
    assert.is(gpu.fanSpeed, e.fan);
    assert.is(gpu.powerDraw, e.power);
    assert.is(gpu.clockCore, e.core);
    assert.is(gpu.clockMemory, e.mem);
    assert.is(gpu.powerLimit, e.limit);
    assert.is(gpu.encoderUtilization, e.enc);
    assert.is(gpu.uuid, 'GPU-00000000-0000-0000-0000-000000000000');
    assert.is(gpu.index, 0);
    noNaN(gpu);
    // Deprecated, N/A, bare N/A, empty cells are all null, never NaN.
    const row = table.rows[0]!;
    assert.is(row['clocks.applications.graphics'], null);
    for (const [key, raw] of Object.entries(row)) assert.ok(raw === null || raw.trim() !== '', `${key} kept an empty cell`);
  });
}

test('the fake projection of the H100 MIG capture parses request-order-aware (noheader, nounits)', () => {
  const out = 'NVIDIA H100 80GB HBM3, [N/A], 81559, 11125, 53, 433.78\n';
  const [gpu] = parseQueryGpu(out, ['name', 'utilization.gpu', 'memory.total', 'memory.used', 'temperature.gpu', 'power.draw']);
  assert.equal([gpu!.name, gpu!.usage, gpu!.memoryTotal, gpu!.memoryUsed, gpu!.temperature, gpu!.powerDraw],
    ['NVIDIA H100 80GB HBM3', null, 81559 * MIB, 11125 * MIB, 53, 433.78]);
  assert.is(gpu!.memoryFree, null, 'free was not asked and total/used alone do not give it without reserved');
});

test('with nounits the header still has [unit]; a P100 without memory.total gets used+free+reserved', () => {
  const [gpu] = parseQueryGpu(read('query-gpu-tesla-p100-csv-nounits.csv'));
  assert.is(gpu!.name, 'Tesla P100-PCIE-16GB');
  assert.is(gpu!.fanSpeed, null);
  assert.is(gpu!.memoryTotal, (103 + 0 + 16280) * MIB);
  assert.is(gpu!.memoryUsed, 0);
  assert.is(gpu!.memoryFree, 16280 * MIB);
  assert.is(gpu!.powerDraw, 28.16);
  assert.is(gpu!.clockCore, 405);
  assert.is(gpu!.clockMemory, 715);
  assert.is(gpu!.uuid, 'GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6');
});

test('aliases come back canonical in the header: gpu_name, clocks.gr, clocks.mem; two GPU models', () => {
  const fields = ['gpu_name', 'fan.speed', 'memory.total', 'memory.used', 'utilization.gpu', 'temperature.gpu', 'power.draw', 'clocks.gr', 'clocks.mem'];
  const gpus = parseQueryGpu(read('query-gpu-2gpus-gtx1080ti-gtx1060-aliases-csv.csv'), fields);
  assert.is(gpus.length, 2);
  assert.equal(gpus.map((g) => [g.name, g.index, g.usage, g.memoryTotal, g.memoryUsed, g.temperature, g.powerDraw, g.clockCore, g.clockMemory]), [
    ['GeForce GTX 1080 Ti', 0, 36, 11175 * MIB, 2856 * MIB, 60, 106.56, 1936, 5508],
    ['GeForce GTX 1060 6GB', 1, 0, 6078 * MIB, 4 * MIB, 49, 5.68, 139, 405],
  ]);
});

test('gpu_bus_id comes back as pci.bus_id (RTX 2060, 460.91.03)', () => {
  const fields = ['gpu_name', 'gpu_bus_id', 'driver_version', 'utilization.gpu', 'utilization.memory', 'memory.total', 'memory.free', 'memory.used', 'temperature.gpu', 'clocks.current.graphics', 'clocks.max.graphics'];
  const [gpu] = parseQueryGpu(read('query-gpu-rtx2060-460.91.03-csv.csv'), fields);
  assert.is(gpu!.pciBusId, '00000000:09:00.0');
  assert.is(gpu!.driverVersion, '460.91.03');
  assert.is(gpu!.memoryTotal, 5934 * MIB);
  assert.is(gpu!.memoryFree, 5252 * MIB);
  assert.is(gpu!.memoryUsed, 682 * MIB);
  assert.is(gpu!.memoryUtilization, 8);
  assert.is(gpu!.clockCore, 300);
});

test('[Unknown Error] in one field (Windows 442.19) is null, the rest are readings', () => {
  const [gpu] = parseQueryGpu(read('query-gpu-rtx2080ti-windows-442.19-csv-nounits-unknown-error.csv'));
  assert.equal([gpu!.usage, gpu!.memoryUtilization, gpu!.temperature, gpu!.powerDraw, gpu!.powerLimit, gpu!.fanSpeed, gpu!.clockCore, gpu!.clockMemory],
    [100, 37, 56, 228.82, 210, 56, 1560, 6800]);
  assert.is(gpu!.memoryTotal, null);
});

const MINER = ['gpu_name', 'utilization.gpu', 'utilization.memory', 'temperature.gpu', 'power.draw', 'power.limit', 'fan.speed', 'pstate', 'clocks.current.graphics', 'clocks.current.memory', 'power.max_limit', 'power.default_limit'];

test('8 GPUs, noheader with units: [Unknown Error] fan on GPU 0 only, power.draw above the limit kept', () => {
  const gpus = parseQueryGpu(read('query-gpu-8gpus-gtx1080ti-gtx1080-csv-noheader-unknown-error.csv'), MINER);
  assert.is(gpus.length, 8);
  assert.is(gpus[0]!.fanSpeed, null);
  assert.is(gpus[0]!.usage, 53);
  assert.is(gpus[0]!.powerDraw, 123);
  assert.is(gpus[1]!.fanSpeed, 60);
  assert.is(gpus[2]!.powerDraw, 266.25);
  assert.is(gpus[2]!.powerLimit, 262.5);
  assert.is(gpus[7]!.name, 'GeForce GTX 1080');
  assert.is(gpus[7]!.clockMemory, 4513);
  assert.equal(gpus.map((g) => g.index), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('old driver [Not Supported] in 8 of 12 fields (GTX 770)', () => {
  const [gpu] = parseQueryGpu(read('query-gpu-gtx770-windows-csv-noheader-not-supported.csv'), MINER);
  assert.equal([gpu!.name, gpu!.usage, gpu!.memoryUtilization, gpu!.temperature, gpu!.powerDraw, gpu!.powerLimit, gpu!.fanSpeed, gpu!.clockCore, gpu!.clockMemory],
    ['GeForce GTX 770', null, null, 52, null, null, 52, null, null]);
});

test('bare N/A next to readings, a name with a space (RTX 2080, 440.64)', () => {
  const fields = ['power.limit', 'power.min_limit', 'power.max_limit', 'memory.total', 'vbios_version', 'driver_version', 'name', 'gpu_uuid', 'power.draw', 'temperature.gpu', 'temperature.memory', 'clocks.current.graphics', 'clocks.sm', 'clocks.mem', 'utilization.gpu', 'utilization.memory', 'fan.speed', 'pcie.link.width.current', 'pstate'];
  const table = parseNvidiaCsv(read('query-gpu-rtx2080-440.64-noheader-nounits-bare-na.csv'), { fields });
  assert.is(table.rows[0]!['temperature.memory'], null);
  const [gpu] = parseQueryGpu(read('query-gpu-rtx2080-440.64-noheader-nounits-bare-na.csv'), fields);
  assert.equal([gpu!.name, gpu!.uuid, gpu!.powerLimit, gpu!.memoryTotal, gpu!.driverVersion, gpu!.powerDraw, gpu!.temperature, gpu!.clockCore, gpu!.clockMemory, gpu!.usage, gpu!.memoryUtilization, gpu!.fanSpeed],
    ['GeForce RTX 2080', 'GPU-22b2c6ac-2d49-4863-197c-9c469071178a', 200, 7979 * MIB, '440.64', 176.98, 45, 1965, 7199, 86, 55, 100]);
});

test('2 GB card: [N/A] on the newer driver and [Not Supported] on the older one give the same null fan', () => {
  const fields = ['memory.total', 'memory.free', 'memory.used', 'temperature.gpu', 'fan.speed', 'utilization.gpu', 'utilization.memory'];
  for (const f of ['query-gpu-2gb-card-noheader-nounits-bracket-na.csv', 'query-gpu-2gb-card-noheader-nounits-not-supported-older-driver.csv']) {
    const [gpu] = parseQueryGpu(read(f), fields);
    assert.equal([gpu!.memoryTotal, gpu!.memoryFree, gpu!.memoryUsed, gpu!.temperature, gpu!.fanSpeed, gpu!.usage, gpu!.memoryPercent],
      [2004 * MIB, 2004 * MIB, 0, 44, null, 0, 0], f);
    assert.is(gpu!.name, 'NVIDIA GPU');
  }
});

test('single-field answers: bare N/A, [N/A], a newer field', () => {
  assert.is(parseNvidiaCsv(read('query-gpu-temperature.memory-noheader-nounits-bare-na.csv'), { fields: ['temperature.memory'] }).rows[0]!['temperature.memory'], null);
  assert.is(parseNvidiaCsv(read('query-gpu-temperature.gpu.tlimit-noheader-nounits-bracket-na.csv'), { fields: ['temperature.gpu.tlimit'] }).rows[0]!['temperature.gpu.tlimit'], null);
  const [gpu] = parseQueryGpu(read('query-gpu-power.draw.instant-noheader-nounits.csv'), ['power.draw.instant']);
  assert.is(gpu!.powerDraw, 22.25);
});

test('CRLF output (nvidia-smi.exe through a pipe) parses the same', () => {
  const text = read('query-gpu-2gpus-gtx1080ti-gtx1060-aliases-csv.csv');
  assert.equal(parseQueryGpu(text.replace(/\n/g, '\r\n')), parseQueryGpu(text));
});

test('loop stream: 9 ticks of one GPU, no separator, cut into 9 blocks; chunk boundaries anywhere', () => {
  const text = read('query-gpu-loop-1s-noheader-nounits-stream.csv');
  const fields = ['temperature.gpu', 'utilization.gpu', 'utilization.memory'];
  const blocks: string[][] = [];
  const splitter = createBlockSplitter(1, (rows) => blocks.push(rows));
  for (let i = 0; i < text.length; i += 7) splitter.push(text.slice(i, i + 7));
  assert.is(blocks.length, 9);
  const usage = blocks.map((b) => parseQueryGpu(b.join('\n'), fields)[0]!.usage);
  assert.equal(usage, [6, 6, 5, 7, 12, 8, 4, 6, 5]);
  assert.equal(parseQueryGpu(blocks[4]!.join('\n'), fields)[0]!.memoryUtilization, 15);
  assert.equal(parseQueryGpu(blocks[0]!.join('\n'), fields)[0]!.temperature, 41);
});

test('loop stream of 8 GPUs is cut every 8 rows; an index-0 row always starts a new block', () => {
  const text = read('query-gpu-8gpus-gtx1080ti-gtx1080-csv-noheader-unknown-error.csv');
  const blocks: string[][] = [];
  const splitter = createBlockSplitter(8, (rows) => blocks.push(rows));
  splitter.push(text + text + text.slice(0, 40));
  assert.is(blocks.length, 2);
  assert.is(blocks[1]!.length, 8);
  const indexed: string[][] = [];
  const s2 = createBlockSplitter(3, (rows) => indexed.push(rows), { indexFirst: true });
  s2.push('0, a\n1, b\n0, a\n1, b\n2, c\n');
  assert.equal(indexed, [['0, a', '1, b'], ['0, a', '1, b', '2, c']]);
});

test('garbage is an error, not NaN', () => {
  assert.throws(() => parseQueryGpu('this is not csv at all\n', DEFAULT_GPU_FIELDS), /unexpected output/);
  assert.throws(() => parseQueryGpu('1, 2\n', ['name', 'utilization.gpu', 'memory.total']), /2 values where 3/);
});

test.run();
