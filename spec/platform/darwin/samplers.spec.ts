// The darwin samplers with the stand-ins (spec/stand-ins) as their tools, in this process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isListedFilesystem } from '../../../lib/collectors/disk.js';
import { boundedStatfs } from '../../../lib/collectors/disk-sizes.js';
import { darwinDiskSampler, darwinGpuSampler, darwinMemorySampler } from '../../../lib/platform/darwin/samplers.js';
import { realCtx } from '../../helpers/gpu-collector.js';
import { ROOT } from '../../helpers/service.js';
import { DARWIN_FIXTURES } from './fixtures.js';

const STAND_INS = join(ROOT, 'spec', 'stand-ins');
const ctx = realCtx({ platform: 'darwin', intervalMs: 1000, timeoutMs: 3000 });
const GIB = 1024 ** 3;

/** A PATH holding only the named stand-ins and node (which they run on): no real tool of the same name. */
function pathWith(tools: string[]): { env: NodeJS.ProcessEnv; log: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'darwin-path-'));
  for (const t of tools) symlinkSync(join(STAND_INS, t), join(dir, t));
  symlinkSync(process.execPath, join(dir, 'node'));
  const log = join(dir, 'tools.log');
  return {
    env: { ...process.env, PATH: dir, FAKE_TOOLS_LOG: log },
    log,
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('memory without a sysctl on PATH: vm_stat still answers, swap stays 0', async () => {
  const path = pathWith(['vm_stat']);
  const sampler = darwinMemorySampler(ctx, { env: path.env, totalMemory: 16 * GIB });
  try {
    let result;
    for (let i = 0; i < 10 && !result; i++) result = await sampler.sample();
    assert.ok(result, 'a reading once vm_stat printed its first row');
    assert.is(result!.source, 'vm_stat loop');
    assert.is(result!.value.total, 16 * GIB);
    assert.is(result!.value.available, (47687 + 8304 + 1106164) * 4096);
    assert.equal(result!.value.swap, { total: 0, used: 0, usedPercent: 0 });
  } finally {
    sampler.stop();
    path.done();
  }
});

test('disks: a volume whose statfs hangs is left out at its deadline and not asked again while it hangs', async () => {
  const path = pathWith(['mount']);
  const asked: string[] = [];
  const sizes = { bsize: 4096, blocks: 1000, bfree: 400, bavail: 300 };
  const sampler = darwinDiskSampler(ctx, {
    env: path.env,
    isListed: (t, m) => isListedFilesystem(t, m, false),
    sizeOf: boundedStatfs(50, (p) => { asked.push(p); return p === '/System/Volumes/Data' ? new Promise(() => {}) : Promise.resolve(sizes); }),
  });
  try {
    const first = (await sampler.sample())!;
    assert.equal(first.value.map((d) => [d.mountpoint, d.fstype, d.total, d.used, d.free]), [['/', 'apfs', 4096000, 2457600, 1228800]]);
    await sampler.sample();
    assert.equal(asked, ['/', '/System/Volumes/Data', '/'], 'the hung volume is not asked again');
    assert.equal(readFileSync(path.log, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]), ['mount'], 'mount ran once for both readings');
  } finally {
    sampler.stop();
    path.done();
  }
});

test('gpu: one ioreg per reading; an Intel Mac with an AMD card gives both, names from their classes', async () => {
  const path = pathWith(['ioreg']);
  const env = { ...path.env, FAKE_IOREG_CAPTURE: join(DARWIN_FIXTURES, 'ioreg', 'intel-dual-amd-baffin-trimmed.txt') };
  const sampler = darwinGpuSampler(ctx, { env, totalMemory: 16 * GIB });
  try {
    const a = await sampler.sample(new AbortController().signal);
    await sampler.sample(new AbortController().signal);
    assert.equal(a.value.map((g) => [g.vendor, g.usage, g.memoryTotal]), [['amd', 6, null], ['intel', 27, null]]);
    assert.is(readFileSync(path.log, 'utf8').trim().split('\n').length, 2);
  } finally {
    path.done();
  }
});

test('gpu: no ioreg on PATH is a one-line error, not a crash', async () => {
  const path = pathWith([]);
  try {
    let error: unknown;
    try { await darwinGpuSampler(ctx, { env: path.env }).sample(new AbortController().signal); } catch (e) { error = e; }
    assert.match(String((error as Error).message), /^ioreg: not found on PATH$/);
  } finally {
    path.done();
  }
});

test.run();
