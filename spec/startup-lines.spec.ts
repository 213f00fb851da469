import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeGpus, describeParentExit, processName } from '../lib/startup-lines.js';
import type { GpuStats } from '../lib/types.js';

const gpu = (name: string, vendor: GpuStats['vendor']) => ({ name, vendor }) as GpuStats;

test('names the GPUs found, how, and the vendors with none', () => {
  assert.is(describeGpus([gpu('NVIDIA GeForce RTX 4080 SUPER', 'nvidia')], 'nvidia-smi loop', undefined),
    'GPU: 1 × NVIDIA GeForce RTX 4080 SUPER via nvidia-smi loop · AMD: none');
  assert.is(describeGpus([gpu('NVIDIA L40S', 'nvidia'), gpu('NVIDIA L40S', 'nvidia'), gpu('AMD Radeon RX 6600', 'amd')], 'nvidia-smi loop + amdgpu sysfs', undefined),
    'GPU: 2 × NVIDIA L40S, 1 × AMD Radeon RX 6600 via nvidia-smi loop + amdgpu sysfs');
});

test('says why when no GPU was found', () => {
  assert.is(describeGpus([], 'nvidia-smi', 'nvidia-smi: cannot talk to the NVIDIA driver (is it installed and loaded?)'),
    'GPU: none found (nvidia-smi: cannot talk to the NVIDIA driver (is it installed and loaded?))');
  assert.match(describeGpus([], 'systeminformation', undefined), /^GPU: none found \(no nvidia-smi, amdgpu driver, rocm-smi or amd-smi/);
  // Another back-end that answered "nothing here" is named like a back-end that found GPUs.
  assert.is(describeGpus([], 'sysfs (no display controller)', undefined), 'GPU: none found via sysfs (no display controller)');
});

test('exit-with-parent names the parent and how to turn it off', () => {
  assert.is(describeParentExit(4242, 'electron'), 'will exit when its parent process electron (pid 4242) exits; start with --no-exit-with-parent to keep running');
  assert.match(describeParentExit(7, undefined), /parent process \(pid 7\)/);
  const root = mkdtempSync(join(tmpdir(), 'proc-'));
  try {
    mkdirSync(join(root, '4242'));
    writeFileSync(join(root, '4242', 'comm'), 'ClaraVerse\n');
    assert.is(processName(4242, root), 'ClaraVerse');
    assert.is(processName(4243, root), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
