import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { MIB } from '../../../lib/collectors/gpu/units.js';
import { parseListGpus, parseNvidiaXml, parseXml } from '../../../lib/collectors/gpu/nvidia-xml.js';

const read = (name: string) => readFileSync(fixture(`nvidia-smi/${name}`), 'utf8');

type Row = [file: string, name: string, count: number, usage: number | null, total: number, used: number, free: number, temp: number | null,
  fan: number | null, power: number | null, limit: number | null, core: number | null, mem: number | null, procs: number];
const CASES: Row[] = [
  ['xml-a100-sxm4-80gb-mig-535.54.03-v12.xml', 'NVIDIA A100-SXM4-80GB', 1, null, 81920, 50, 80999, 27, null, 67.03, 500, 1275, 1593, 0],
  ['xml-a100-sxm4-40gb-mig-510.47.03-v11.xml', 'NVIDIA A100-SXM4-40GB', 1, null, 40960, 38, 40315, 36, null, 66.92, 400, 1410, 1215, 0],
  ['xml-dual-rtx-a5000-590.44.01-v13.xml', 'NVIDIA RTX A5000', 2, 0, 24564, 22437, 1678, 13, 30, 6.41, 230, 210, 405, 1],
  ['xml-rtx3060-570.124.04-v12.xml', 'NVIDIA GeForce RTX 3060', 1, 0, 12288, 116, 11806, 42, 0, 11.6, 170, 210, 405, 0],
  ['xml-rtx3060-laptop-515.65.01-v11.xml', 'NVIDIA GeForce RTX 3060 Laptop GPU', 1, 0, 6144, 5, 5940, 45, null, 8.7, null, 210, 405, 1],
  ['xml-gt1030-470.74-v11.xml', 'NVIDIA GeForce GT 1030', 1, null, 0, 0, 0, null, null, null, 30, null, null, 10],
];

for (const [file, name, count, usage, total, used, free, temp, fan, power, limit, core, mem, procs] of CASES) {
  test(`-q -x ${file}`, () => {
    const gpus = parseNvidiaXml(read(file));
    assert.is(gpus.length, count);
    const g = gpus[0]!;
    assert.is(g.name, name);
    if (file.includes('gt1030')) return; // checked on its own below
    assert.is(g.usage, usage);
    assert.is(g.memoryTotal, total * MIB);
    assert.is(g.memory.used, used * MIB);
    assert.is(g.memoryFree, free * MIB);
    assert.is(g.temperature, temp);
    assert.is(g.fanSpeed, fan);
    assert.is(g.powerDraw, power);
    assert.is(g.powerLimit, limit);
    assert.is(g.clockCore, core);
    assert.is(g.clockMemory, mem);
    assert.is(g.processes!.length, procs);
  });
}

test('GT 1030: power_draw N/A is null, its 10 desktop processes are listed', () => {
  const [g] = parseNvidiaXml(read('xml-gt1030-470.74-v11.xml'));
  assert.is(g!.powerDraw, null);
  assert.is(g!.powerLimit, 30);
  assert.is(g!.processes!.length, 10);
  assert.equal([g!.usage, g!.memoryTotal, g!.memoryUsed, g!.memoryFree, g!.temperature], [0, 1998 * MIB, 875 * MIB, 1123 * MIB, 36]);
});

test('A100 MIG: utilization N/A, MIG slices apart from the GPU\'s own memory', () => {
  const [g] = parseNvidiaXml(read('xml-a100-sxm4-80gb-mig-535.54.03-v12.xml'));
  assert.is(g!.usage, null);
  assert.is(g!.migDevices!.length, 4);
  assert.equal(g!.migDevices![0], { index: 0, gpuInstanceId: 3, computeInstanceId: 0, memory: { total: 19968 * MIB, used: 12 * MIB, free: 19955 * MIB } });
  const [old] = parseNvidiaXml(read('xml-a100-sxm4-40gb-mig-510.47.03-v11.xml'));
  assert.is(old!.migDevices!.length, 2);
  assert.is(old!.temperature, 36);
});

test('two GPUs: index follows the document, UUIDs and the llama-server process per GPU', () => {
  const gpus = parseNvidiaXml(read('xml-dual-rtx-a5000-590.44.01-v13.xml'));
  assert.equal(gpus.map((g) => [g.index, g.uuid, g.pciBusId, g.memoryUsed]), [
    [0, 'GPU-12345678-aaaa-bbbb-cccc-0123456789ab', '00000000:81:00.0', 22437 * MIB],
    [1, 'GPU-12345678-aaaa-bbbb-cccc-0123456789cd', '00000000:C1:00.0', 17253 * MIB],
  ]);
  assert.equal(gpus[0]!.processes, [{ pid: 100477, name: '/root/src/llama.cpp/build/bin/llama-server', usedMemory: 22430 * MIB }]);
  assert.is(gpus[1]!.powerDraw, 13.6);
  assert.is(gpus[0]!.driverVersion, '590.44.01');
});

test('Blackwell v13 (largest, newest schema): average power draw, no NaN', () => {
  const [g] = parseNvidiaXml(read('xml-rtx-pro-6000-blackwell-maxq-590.44.01-v13.xml'));
  assert.match(g!.name, /RTX PRO 6000 Blackwell Max-Q/);
  assert.is(g!.powerDraw, 3.97);
  assert.is(g!.powerLimit, 300);
  assert.ok(JSON.stringify(g).indexOf('NaN') < 0);
});

test('Windows WDDM: 26 processes, used_memory N/A is null, empty names stay empty', () => {
  const [g] = parseNvidiaXml(read('xml-rtx2080-windows-wddm-516.59-v11.xml'));
  assert.is(g!.name, 'NVIDIA GeForce RTX 2080');
  assert.is(g!.processes!.length, 26);
  assert.ok(g!.processes!.every((p) => p.usedMemory === null));
  assert.ok(g!.processes!.some((p) => p.name === ''));
  assert.is(g!.powerDraw, 14.5);
  assert.is(g!.powerLimit, 275);
});

test('vGPU guest: 0 C and 0 MHz are placeholders, so null; memory and processes are real', () => {
  const [g] = parseNvidiaXml(read('xml-grid-p4-1q-vgpu-guest-513.46-v11.xml'));
  assert.is(g!.name, 'GRID P4-1Q');
  assert.is(g!.temperature, null);
  assert.is(g!.clockCore, null);
  assert.is(g!.clockMemory, null);
  assert.is(g!.powerDraw, null);
  assert.is(g!.processes!.length, 13);
  assert.ok(g!.processes!.every((p) => p.usedMemory === null));
});

test('the tiny XML reader: entities, self-closing tags, unbalanced input rejected', () => {
  const doc = parseXml('<?xml version="1.0" ?><a x="1"><b>R&amp;D &lt;x&gt;</b><c/></a>');
  assert.is(doc.children[0]!.attrs['x'], '1');
  assert.is(doc.children[0]!.children[0]!.text, 'R&D <x>');
  assert.throws(() => parseXml('<a><b></a>'));
  assert.throws(() => parseNvidiaXml('No devices were found'));
});

test('nvidia-smi -L: one GPU with 5 MIG instances', () => {
  const list = parseListGpus(read('list-gpus-h200-mig-590.48.01.txt'));
  assert.is(list.length, 1);
  assert.is(list[0]!.name, 'NVIDIA H200');
  assert.is(list[0]!.uuid, 'GPU-00000000-0000-0000-0000-000000000000');
  assert.is(list[0]!.mig.length, 5);
});

test.run();
