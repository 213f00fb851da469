import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { parseRocmSmiCsv, parseRocmSmiJson } from '../../../lib/collectors/gpu/rocm-json.js';

const read = (name: string) => readFileSync(fixture(`rocm-smi/${name}`), 'utf8');

test('6× MI100 on ROCm 5.7.1: leading newline, lowercase keys, PID entries in `system` ignored', () => {
  const gpus = parseRocmSmiJson(read('rocm-smi-all-mi100x6-rocm5.7.1.json'));
  assert.is(gpus.length, 6);
  const g = gpus[0]!;
  assert.equal([g.name, g.index, g.usage, g.temperature, g.powerDraw, g.powerLimit, g.clockCore, g.clockMemory, g.memoryTotal, g.memoryUsed, g.pciBusId],
    ['Arcturus GL-XL [Instinct MI100]', 0, 0, 31, 39, 290, 300, 1200, 34342961152, 6782976, '0000:1E:00.0']);
  assert.is(g.memoryFree, 34342961152 - 6782976);
  assert.is(g.fanSpeed, null);
  assert.is(g.driverVersion, '6.2.4');
  assert.ok(gpus.every((x) => x.vendor === 'amd' && x.name.includes('MI100')));
});

test('4× MI100 on ROCm 6.0.2', () => {
  const gpus = parseRocmSmiJson(read('rocm-smi-all-mi100x4-rocm6.0.2.json'));
  assert.is(gpus.length, 4);
  assert.ok(gpus.every((g) => g.memoryTotal === 34342961152 && typeof g.temperature === 'number'));
});

test('RX 6700 XT on ROCm 4.3.0: Card series is the PCI vendor id, so the name falls back to the GPU id', () => {
  const [g] = parseRocmSmiJson(read('rocm-smi-all-rx6700xt-rocm4.3.0.json'));
  assert.equal([g!.name, g!.usage, g!.temperature, g!.powerDraw, g!.clockCore, g!.clockMemory, g!.memoryTotal, g!.memoryUsed, g!.memoryPercent, g!.driverVersion],
    ['AMD GPU 0x73df', 0, 45, 6, 500, 96, 12868124672, 1622728704, 12.61, '6.3.6']);
});

test('RX 6700 XT on ROCm 5.7.1', () => {
  const [g] = parseRocmSmiJson(read('rocm-smi-all-rx6700xt-rocm5.7.1.json'));
  assert.is(g!.name, 'Navi 22 [Radeon RX 6700/6700 XT / 6800M]');
  assert.is(g!.memoryTotal, 12868124672);
});

test('RX 6700 XT on ROCm 6.0.2: "N/A (Secondary die)" power is null', () => {
  const [g] = parseRocmSmiJson(read('rocm-smi-all-rx6700xt-rocm6.0.2.json'));
  assert.is(g!.powerDraw, null);
  assert.is(g!.temperature, 45);
});

test('RX 6700 XT on ROCm 6.1.2: renamed keys (Device Name, VRAM%), sclk (0Mhz) is what the tool said', () => {
  const [g] = parseRocmSmiJson(read('rocm-smi-all-rx6700xt-rocm6.1.2.json'));
  assert.equal([g!.name, g!.usage, g!.clockCore, g!.clockMemory, g!.powerDraw, g!.memoryTotal, g!.memoryUsed, g!.temperature],
    ['Navi 22 [Radeon RX 6700/6700 XT / 6800M]', 0, 0, 96, 6, 12868124672, 1572745216, 45]);
});

test('Vega 10 XT: no Card series at all, fan speed present', () => {
  const [g] = parseRocmSmiJson(read('rocm-smi-all-vega10-xt.json'));
  assert.equal([g!.name, g!.fanSpeed, g!.temperature, g!.powerDraw, g!.driverVersion], ['AMD GPU 0x6861', 13, 39, 15, '5.9.25']);
});

test('MI50 (Vega 20): one card, topology for 8 devices ignored', () => {
  const gpus = parseRocmSmiJson(read('rocm-smi-all-vega20-wks-gl-xe.json'));
  assert.is(gpus.length, 1);
  assert.is(gpus[0]!.name, 'Radeon Instinct MI50 32GB');
});

test('the minimal command this service needs (RX 7900 XT): name, use, VRAM; the rest null', () => {
  const [g] = parseRocmSmiJson(read('rocm-smi-productname-use-meminfo-vram-json-rx7900xt.json'));
  assert.equal([g!.name, g!.usage, g!.memoryTotal, g!.memoryUsed, g!.memoryFree, g!.temperature, g!.powerDraw, g!.clockCore],
    ['Radeon RX 7900 XT', 0, 21458059264, 27856896, 21458059264 - 27856896, null, null, null]);
});

test('the same in CSV: the vendor lost its comma, the numbers match the JSON', () => {
  const [csv] = parseRocmSmiCsv(read('rocm-smi-productname-use-meminfo-vram-csv-rx7900xt.csv'));
  const [json] = parseRocmSmiJson(read('rocm-smi-productname-use-meminfo-vram-json-rx7900xt.json'));
  assert.equal({ ...csv, driverVersion: null }, { ...json, driverVersion: null });
});

test('2019 one-line JSON with (c) and Fan Speed: temperature, fan and power', () => {
  const [g] = parseRocmSmiJson(read('rocm-smi-f-t-P-json-2019-oneline-lowercase-c.json'));
  assert.equal([g!.name, g!.temperature, g!.fanSpeed, g!.powerDraw, g!.memoryTotal, g!.usage], ['AMD GPU', 77, 45, 222, null, null]);
});

test('jq-formatted --showallinfo on RX 6600: no temperature or power keys → null, VRAM% kept', () => {
  const [g] = parseRocmSmiJson(read('rocm-smi-showallinfo-json-rx6600-via-jq.json'));
  assert.equal([g!.name, g!.usage, g!.temperature, g!.powerDraw, g!.memoryTotal, g!.memoryPercent, g!.pciBusId, g!.driverVersion],
    ['Navi 23 [Radeon RX 6600/6600 XT/6600M]', 0, null, null, null, 1, '0000:0B:00.0', '7.0.0-3-pve']);
});

test('garbage is an error', () => {
  assert.throws(() => parseRocmSmiJson('ERROR: GPU[0]\t: Unable to read'), /unreadable JSON/);
});

test.run();
