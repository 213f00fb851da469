// The DRM fdinfo parser on real fdinfo outputs (spec/fixtures/gpu/fdinfo, provenance in its README).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { busiest, clientMemory, engineBusy, parseDrmFdinfo } from '../../../lib/collectors/gpu/drm-fdinfo.js';
import { fixture } from '../../helpers/fake-gpu-path.js';

const KIB = 1024;
const MIB = 1024 * 1024;
const read = (name: string) => readFileSync(fixture(`fdinfo/${name}`), 'utf8');

test('amdgpu, standard keys (amdgpu_top #87): pdev, client id, drm-memory-vram in KiB, gfx busy ns; the reporter\'s note after "ns" is ignored', () => {
  const info = parseDrmFdinfo(read('amdgpu-standard-issue87.txt'))!;
  assert.is(info.format, 'standard');
  assert.is(info.driver, 'amdgpu');
  assert.is(info.pdev, '0000:08:00.0');
  assert.is(info.clientId, '217');
  assert.equal(info.engineNs, { gfx: 107322799 });
  assert.is(info.vram, 2068 * KIB);
  assert.is(info.system, 8192 * KIB, 'gtt');
  assert.is(clientMemory(info), 2068 * KIB, 'a dGPU client shows its VRAM');
});

test('amdgpu of kernel 5.15 (pre-standard keys, amdgpu_top #17): pdev, `vram mem` in kB, gfx0 as a percentage', () => {
  const info = parseDrmFdinfo(read('amdgpu-5.15-prestandard.txt'))!;
  assert.is(info.format, 'amdgpu-5.14');
  assert.is(info.driver, 'amdgpu');
  assert.is(info.pdev, '0000:04:00.0');
  assert.is(info.clientId, null);
  assert.is(info.vram, 17196 * KIB);
  assert.equal(info.enginePercent, { gfx0: 70.59 });
  // Already a share: the busy % needs no earlier reading.
  assert.is(busiest(engineBusy(info, info, 0)), 70.59);
});

test('amdgpu with drm-resident-* beside the legacy drm-memory-* (the 2024 amdgpu patch that added them): resident VRAM, compute ns, amd-* keys ignored', () => {
  const info = parseDrmFdinfo(read('amdgpu-resident-keys-patch.txt'))!;
  assert.equal([info.driver, info.pdev, info.clientId, info.format], ['amdgpu', '0000:04:00.0', '4', 'standard']);
  assert.is(info.vram, 44564 * KIB);
  assert.is(info.system, 2392 * KIB, 'gtt');
  assert.equal(info.engineNs, { compute: 46464671 });
});

test('i915 iGPU (man-pages proc_pid_fdinfo.5 DRM example): no local0 region, so its system0 residency is its memory; render busy ns; video capacity 2', () => {
  const info = parseDrmFdinfo(read('i915-manpage.txt'))!;
  assert.is(info.driver, 'i915');
  assert.is(info.pdev, '0000:00:02.0');
  assert.is(info.clientId, '39');
  assert.equal(info.engineNs, { render: 346249, copy: 0, video: 0, 'video-enhance': 0 });
  assert.equal(info.capacity, { video: 2 });
  assert.is(info.vram, null);
  assert.is(info.system, 6044 * KIB, 'drm-resident-system0 (stolen-system0 is not counted)');
  assert.is(clientMemory(info), 6044 * KIB);
});

test('xe discrete (kernel xe_drm_client.c example): vram0 resident 23992 KiB, cycles and total cycles per class, capacities', () => {
  const info = parseDrmFdinfo(read('xe-kernel-doc.txt'))!;
  assert.is(info.driver, 'xe');
  assert.is(info.pdev, '0000:03:00.0');
  assert.is(info.clientId, '3');
  assert.is(info.vram, 23992 * KIB);
  assert.is(info.system, 192 * KIB, 'system 0 + gtt 192 KiB');
  assert.is(info.cycles.rcs, 28257900);
  assert.is(info.totalCycles.rcs, 7655183225);
  assert.equal(info.capacity, { vcs: 2, vecs: 2, ccs: 4 });
  assert.equal(info.engineNs, {});
});

test('xe busy % from cycles: Δcycles / Δtotal cycles, divided by the class capacity; the busiest class wins', () => {
  const before = parseDrmFdinfo(read('xe-kernel-doc.txt'))!;
  const after = { ...before, cycles: { ...before.cycles, rcs: before.cycles.rcs! + 500_000, ccs: 2_000_000 }, totalCycles: Object.fromEntries(Object.entries(before.totalCycles).map(([k, v]) => [k, v + 1_000_000])) };
  const busy = engineBusy(before, after, 2e9);
  assert.is(busy.rcs, 50);
  assert.is(busy.ccs, 50, '2 000 000 of 1 000 000 cycles on 4 engines');
  assert.is(busy.bcs, 0);
  assert.is(busiest(busy), 50);
});

test('busy % from ns: Δns over wall time; a counter that went back (a reused client id) measures nothing', () => {
  const before = parseDrmFdinfo(read('amdgpu-standard-issue87.txt'))!;
  const after = { ...before, engineNs: { gfx: before.engineNs.gfx! + 500_000_000 } };
  assert.equal(engineBusy(before, after, 2e9), { gfx: 25 });
  assert.equal(engineBusy(after, before, 2e9), {});
  assert.is(busiest({}), null);
  assert.is(busiest({ gfx: 180 }), 100, 'capped');
});

test('units: bare numbers are bytes, KiB and MiB are written out', () => {
  const info = parseDrmFdinfo('drm-driver:\txe\ndrm-resident-vram0:\t2 MiB\ndrm-resident-vram1:\t4096\n')!;
  assert.is(info.vram, 2 * MIB + 4096, 'every tile summed');
  const stdFirst = parseDrmFdinfo('drm-driver:\tamdgpu\ndrm-memory-vram:\t8 KiB\ndrm-resident-vram:\t4 KiB\n')!;
  assert.is(stdFirst.vram, 4 * KIB, 'drm-resident-* wins over the older drm-memory-*');
});

test('not a DRM fd (a pipe, a socket): null', () => {
  assert.is(parseDrmFdinfo('pos:\t0\nflags:\t02\nmnt_id:\t10\nino:\t1581151\n'), null);
  assert.is(parseDrmFdinfo(''), null);
});

test.run();
