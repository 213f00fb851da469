import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { acceleratorGpuStats, parseIoreg, parseValue, readAccelerators } from '../../../lib/platform/darwin/ioreg.js';
import { readDarwinFixture } from './fixtures.js';

const GIB = 1024 ** 3;
const read = (name: string) => readAccelerators(parseIoreg(readDarwinFixture(`ioreg/${name}`)));

test('M4 (AGXAcceleratorG16G, full dump): Device, not Tiler/Renderer, utilization; in-use memory; model and cores', () => {
  const [gpu, ...rest] = read('m4-agxg16g.txt');
  assert.is(rest.length, 0);
  assert.equal([gpu!.vendor, gpu!.model, gpu!.coreCount, gpu!.usage, gpu!.rendererUsage, gpu!.tilerUsage, gpu!.memoryUsed, gpu!.memoryAllocated],
    ['apple', 'Apple M4', 10, 17, 15, 15, 430571520, 4597121024]);
  const [stats] = acceleratorGpuStats([gpu!], 16 * GIB);
  // Unified memory: the RAM is the GPU's memory; used is what the driver has in use.
  assert.equal([stats!.name, stats!.usage, stats!.memoryTotal, stats!.memoryUsed, stats!.memoryFree, stats!.memoryPercent],
    ['Apple M4 (10-core GPU)', 17, 16 * GIB, 430571520, 16 * GIB - 430571520, 2.51]);
  assert.equal(stats!.memory, { total: 16 * GIB, used: 430571520, free: 16 * GIB - 430571520, usedPercent: 2.51 });
  assert.equal([stats!.temperature, stats!.powerDraw, stats!.clockCore, stats!.fanSpeed, stats!.processes], [null, null, null, null, null]);
});

test('M1 Pro (AGXAcceleratorG13X, Monterey 12.6): no "model" line, so the class names it', () => {
  const [gpu] = read('m1pro-agxg13x-monterey-12.6.txt');
  assert.equal([gpu!.model, gpu!.coreCount, gpu!.usage, gpu!.memoryUsed], [null, null, 2, 340983808]);
  const [stats] = acceleratorGpuStats([gpu!], 32 * GIB);
  assert.is(stats!.name, 'Apple GPU (AGXAcceleratorG13X)');
  assert.is(stats!.vendor, 'apple');
  assert.is(stats!.memoryTotal, 32 * GIB);
});

test('M3 (AGXAcceleratorG15G): a third Apple-silicon generation reads the same way', () => {
  const [gpu] = read('m3-agxg15g-trimmed.txt');
  assert.equal([gpu!.model, gpu!.coreCount, gpu!.usage, gpu!.rendererUsage, gpu!.tilerUsage, gpu!.memoryUsed], ['Apple M3', 10, 34, 31, 32, 3898310656]);
});

test('Intel MacBook Pro with an AMD Radeon: the duplicated registry entry counts once, the helper without statistics not at all', () => {
  const gpus = read('intel-dual-amd-baffin-trimmed.txt');
  assert.equal(gpus.map((g) => [g.vendor, g.className, g.usage]), [
    ['amd', 'AMDRadeonX4000_AMDBaffinGraphicsAccelerator', 6],
    // "Device Utilization % at cur p-state" (29) is a different, p-state-relative figure.
    ['intel', 'IntelAccelerator', 27],
  ]);
  const stats = acceleratorGpuStats(gpus, 16 * GIB);
  // No VRAM figures in this dump, and an Intel iGPU's share of RAM has no documented size: null, not 0.
  assert.equal(stats.map((s) => [s.name, s.memoryTotal, s.memoryUsed, s.index]), [
    ['AMD GPU (AMDRadeonX4000_AMDBaffinGraphicsAccelerator)', null, null, 0],
    ['Intel GPU (IntelAccelerator)', null, null, 1],
  ]);
});

test('an Intel counter past 100 % is clamped, the raw figure kept; AMD GPU Activity(%) and VRAM are read', () => {
  const [intel, amd] = readAccelerators([
    { className: 'IntelAccelerator', id: '0x1', properties: new Map([['PerformanceStatistics', parseValue('{"Device Utilization %"=143}')]]) },
    { className: 'AMDRadeonX6000_AMDNavi14GraphicsAccelerator', id: '0x2', properties: new Map([['PerformanceStatistics',
      parseValue('{"Device Utilization %"=0,"GPU Activity(%)"=37,"vramUsedBytes"=1073741824,"vramFreeBytes"=3221225472,"Temperature(C)"=61,"Core Clock(MHz)"=1300}')]]) },
  ]);
  assert.equal([intel!.usage, intel!.usageRaw], [100, 143]);
  const [, stats] = acceleratorGpuStats([intel!, amd!], 16 * GIB);
  assert.equal([stats!.usage, stats!.memoryTotal, stats!.memoryUsed, stats!.memoryPercent, stats!.temperature, stats!.clockCore], [37, 4 * GIB, GIB, 25, 61, 1300]);
});

test('registry values: nested dictionaries, arrays, data, strings with braces and commas', () => {
  assert.equal(parseValue('{"a"=({"x"=1},2),"b"="} ,","c"=<6b10>,"d"=Yes}'), { a: [{ x: 1 }, 2], b: '} ,', c: '6b10', d: true });
  assert.is(parseValue('<"Intel(R) UHD Graphics 630">'), 'Intel(R) UHD Graphics 630');
  assert.throws(() => parseValue('{"a"=1'));
});

test('garbage and empty output give no GPU', () => {
  assert.equal(readAccelerators(parseIoreg('')), []);
  assert.equal(readAccelerators(parseIoreg('ioreg: command not found\n{{{\n')), []);
});

test.run();
