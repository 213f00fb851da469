// The one GpuStats builder: both memory shapes from the same figures, every field present.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gpuStats } from '../../../lib/collectors/gpu/gpu-stats.js';
import { MIB, freeOf, mibToBytes, percentOf } from '../../../lib/collectors/gpu/units.js';

test('nested and flat memory fields carry the same figures; usedPercent derived when not given', () => {
  const g = gpuStats({ name: 'X', vendor: 'amd', index: 0, memory: { total: 8 * 1024 * MIB, used: 2 * 1024 * MIB, free: null } });
  assert.equal(g.memory, { total: 8 * 1024 * MIB, used: 2 * 1024 * MIB, free: null, usedPercent: 25 });
  assert.equal([g.memoryTotal, g.memoryUsed, g.memoryFree, g.memoryPercent], [g.memory.total, g.memory.used, g.memory.free, 25]);
});

test('a usedPercent the tool gives itself wins (rocm-smi without byte counts)', () => {
  const g = gpuStats({ name: 'X', vendor: 'amd', index: 0, memory: { total: null, used: null, free: null, usedPercent: 41 } });
  assert.equal([g.memory.usedPercent, g.memoryPercent], [41, 41]);
});

test('every field is present, in the contract\'s order, null where the back-end said nothing', () => {
  const g = gpuStats({ name: 'GPU', vendor: 'other', index: null, memory: { total: null, used: null, free: null } });
  assert.equal(Object.keys(g), [
    'name', 'usage', 'memory', 'temperature', 'fanSpeed', 'powerDraw', 'clockCore', 'clockMemory',
    'memoryTotal', 'memoryUsed', 'memoryFree', 'memoryPercent', 'vendor', 'index', 'uuid', 'pciBusId',
    'driverVersion', 'powerLimit', 'memoryUtilization', 'encoderUtilization', 'decoderUtilization', 'processes', 'powerState',
  ]);
  assert.ok(Object.entries(g).every(([k, v]) => ['name', 'vendor', 'memory'].includes(k) || v === null), JSON.stringify(g));
});

test('a reading of 0 stays 0 (a stopped fan), never turned into null', () => {
  const g = gpuStats({ name: 'X', vendor: 'nvidia', index: 0, memory: { total: 0, used: 0, free: 0 }, fanSpeed: 0, usage: 0, processes: [] });
  assert.equal([g.fanSpeed, g.usage, g.memoryPercent, g.processes], [0, 0, null, []]);
});

test('units: MiB to whole bytes, free as total − used (never negative), percentages to two decimals', () => {
  assert.equal([mibToBytes(1.5), mibToBytes(null), mibToBytes(Number.NaN)], [1572864, null, null]);
  assert.equal([freeOf(10, 4), freeOf(4, 10), freeOf(null, 4)], [6, 0, null]);
  assert.equal([percentOf(1, 3), percentOf(1, 0), percentOf(null, 3)], [33.33, null, null]);
});

test.run();
