import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { parseQueryGpu } from '../../../lib/collectors/gpu/nvidia-csv.js';
import { MIB } from '../../../lib/collectors/gpu/units.js';
import { joinProcesses, parseComputeApps, processesByUuid } from '../../../lib/collectors/gpu/nvidia-apps.js';

const read = (name: string) => readFileSync(fixture(`nvidia-smi/${name}`), 'utf8');
const UUID0 = 'GPU-00000000-0000-0000-0000-000000000000';

test('H100 MIG under load: 3 processes on the parent GPU UUID, MiB to bytes', () => {
  const rows = parseComputeApps(read('compute-apps-h100-mig-590.48.01-load.csv'));
  assert.equal(rows, [
    { gpuUuid: UUID0, pid: 21180, name: '/root/tools/memhog', usedMemory: 2296 * MIB },
    { gpuUuid: UUID0, pid: 21181, name: '/root/tools/memhog', usedMemory: 1272 * MIB },
    { gpuUuid: UUID0, pid: 21198, name: './gpu_burn', usedMemory: 7484 * MIB },
  ]);
});

test('header only means no process', () => {
  assert.equal(parseComputeApps(read('compute-apps-h100-mig-590.48.01-idle-empty.csv')), []);
});

test('RTX 4080 SUPER: a graphics process and two ffmpeg', () => {
  const rows = parseComputeApps(read('compute-apps-rtx4080super-linux-595.71.05-load.csv'));
  assert.equal(rows.map((r) => [r.pid, r.name, r.usedMemory]), [
    [2165, '/usr/bin/kwin_wayland', 25 * MIB], [5022, 'ffmpeg', 503 * MIB], [5021, 'ffmpeg', 360 * MIB],
  ]);
});

test('Windows WDDM: used memory [N/A] is null; names with spaces and backslashes survive', () => {
  const rows = parseComputeApps(read('compute-apps-rtx2080super-windows-591.86-idle.csv'));
  assert.is(rows.length, 10);
  assert.ok(rows.every((r) => r.usedMemory === null));
  assert.ok(rows.some((r) => r.name === 'C:\\Program Files\\NZXT CAM\\NZXT CAM.exe' && r.pid === 20372));
  assert.ok(rows.some((r) => r.name === 'C:\\Program Files\\NVIDIA Corporation\\NVIDIA GeForce Experience\\NVIDIA Share.exe'));
});

test('vGPU host: alias name → process_name, one UUID twice, joined to the right GPUs', () => {
  const rows = parseComputeApps(read('compute-apps-vgpu-host-gpu_uuid-name-csv.csv'), ['gpu_uuid', 'name']);
  assert.is(rows.length, 3);
  assert.ok(rows.every((r) => r.name === 'vgpu' && r.usedMemory === null));
  const by = processesByUuid(rows);
  assert.is(by.get('GPU-d0180485-9584-433c-6782-c335d5df2cb3')!.length, 1);
  assert.is(by.get('GPU-777ead31-954e-837f-590f-6c4974d8e571')!.length, 2);
});

test('joined by UUID: a GPU with no process gets [], one without UUID keeps null (cannot tell)', () => {
  const [gpu] = parseQueryGpu(read('query-gpu-all-fields-h100-mig-590.48.01-load.csv'));
  const by = processesByUuid(parseComputeApps(read('compute-apps-h100-mig-590.48.01-load.csv')));
  const [joined] = joinProcesses([gpu!], by);
  assert.is(joined!.processes!.length, 3);
  assert.equal(joinProcesses([{ ...gpu!, uuid: 'GPU-other' }], by)[0]!.processes, []);
  assert.is(gpu!.processes, null, 'not listed yet: null, never missing');
  assert.is(joinProcesses([{ ...gpu!, uuid: null }], by)[0]!.processes, null);
});

test.run();
