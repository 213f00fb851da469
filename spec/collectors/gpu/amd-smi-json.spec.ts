import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { MIB } from '../../../lib/collectors/gpu/units.js';
import { parseAmdSmiMetric, parseAmdSmiProcess, parseAmdSmiStatic, reading } from '../../../lib/collectors/gpu/amd-smi-json.js';

const read = (name: string) => readFileSync(fixture(`amd-smi/${name}`), 'utf8');

test('leaves: {value, unit}, bare N/A, N/A inside the wrapper', () => {
  assert.equal(reading({ value: 6, unit: 'W' }), { value: 6, unit: 'W' });
  assert.is(reading('N/A'), null);
  assert.is(reading({ value: 'N/A', unit: 'mV' }), null);
});

test('RX 6600 metric (array format) joined with static: names, MB (= MiB) to bytes, N/A leaves null', () => {
  const statics = parseAmdSmiStatic(read('amd-smi-static-json-rx6600-array-format.json'));
  const [g] = parseAmdSmiMetric(read('amd-smi-metric-json-rx6600-array-format.json'), statics);
  assert.equal([g!.name, g!.usage, g!.temperature, g!.powerDraw, g!.clockCore, g!.clockMemory, g!.fanSpeed, g!.memoryUtilization],
    ['Navi 23 [Radeon RX 6600/6600 XT', 1, 36, 6, 800, 541, 0, 0]);
  assert.equal([g!.memoryTotal, g!.memoryUsed, g!.memoryFree], [8176 * MIB, 202 * MIB, 7974 * MIB]);
  assert.is(g!.memory.usedPercent, 2.47);
  assert.equal([g!.pciBusId, g!.driverVersion, g!.powerLimit], ['0000:0b:00.0', '7.0.0-3-pve', 100]);
});

test('metric alone: the name is generic, readings are the same', () => {
  const [g] = parseAmdSmiMetric(read('amd-smi-metric-json-rx6600-array-format.json'));
  assert.is(g!.name, 'AMD GPU');
  assert.is(g!.usage, 1);
});

test('MI210 static in the {"gpu_data": [...]} wrapper; the space-stripped /proc/version is not a driver version', () => {
  const [s] = parseAmdSmiStatic(read('amd-smi-static-json-mi210-gpu_data-format.json'));
  assert.equal([s!.name, s!.driverVersion, s!.vramTotal, s!.pciBusId], ['AMD Instinct MI210', null, 65520 * MIB, null]);
});

test('Strix Halo APU static: N/A strings where dGPUs have numbers, a 0 W limit is no limit', () => {
  const [s] = parseAmdSmiStatic(read('amd-smi-static-json-strix-halo-apu-array-format.json'));
  assert.equal([s!.name, s!.pciBusId, s!.powerLimit, s!.vramTotal, s!.driverVersion],
    ['Strix Halo [Radeon Graphics / Radeon 8050S Graphics / Radeon 8060S Graphics]', '0000:c4:00.0', null, 32768 * MIB, '6.17.1-300.fc43.x86_64']);
});

test('process list on 2× R9700: per GPU, bytes as given', () => {
  const byGpu = parseAmdSmiProcess(read('amd-smi-process-json-2x-radeon-ai-pro-r9700.json'));
  assert.is(byGpu.size, 2);
  const p = byGpu.get(0)!;
  assert.is(p.length, 4);
  assert.equal(p.find((x) => x.pid === 213952), { pid: 213952, name: '/usr/bin/python3.12', usedMemory: 21008920000 });
});

test('topology JSON is not a metric document, but still an array: no GPU readings invented', () => {
  const gpus = parseAmdSmiMetric(read('amd-smi-topology-json-rx6600.json'));
  assert.is(gpus.length, 1);
  const g = gpus[0]!;
  assert.equal([g.usage, g.memoryTotal, g.temperature, g.powerDraw], [null, null, null, null]);
});

test.run();
