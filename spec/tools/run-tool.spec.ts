import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearToolCache, killTree, liveChildren, resolveTool, runTool, spawnTool } from '../../lib/tools/run-tool.js';
import { fakeGpuPath, fixture, isAlive } from '../helpers/fake-gpu-path.js';
import { gone, sleep } from '../helpers/wait.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('a tool is found on PATH as an absolute path, once; relative PATH entries are ignored', () => {
  const fake = fakeGpuPath({}, ['nvidia-smi']);
  try {
    clearToolCache();
    assert.is(resolveTool('nvidia-smi', fake.env.PATH), path.join(fake.dir, 'nvidia-smi'));
    assert.is(resolveTool('nvidia-smi', `.:relative/dir`), null);
    assert.is(resolveTool('no-such-tool-here', fake.env.PATH), null);
  } finally {
    fake.cleanup();
  }
});

test('a failing tool: the error names the command, the exit code and the first line of output', async () => {
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_FAIL: 'No devices were found' }, ['nvidia-smi']);
  try {
    const smi = resolveTool('nvidia-smi', fake.env.PATH)!;
    await runTool(smi, ['--query-gpu=name', '--format=csv'], { timeoutMs: 5000, env: fake.env }).then(
      () => assert.unreachable('should fail'),
      (error: Error) => assert.is(error.message, 'nvidia-smi --query-gpu=name --format=csv exited with code 9: No devices were found'),
    );
  } finally {
    fake.cleanup();
  }
});

test('a hung tool is killed at its timeout, group and all', async () => {
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_HANG: '1' }, ['nvidia-smi']);
  try {
    const smi = resolveTool('nvidia-smi', fake.env.PATH)!;
    const started = Date.now();
    await runTool(smi, ['-L'], { timeoutMs: 300, env: fake.env }).then(
      () => assert.unreachable('should time out'),
      (error: Error) => assert.match(error.message, /^nvidia-smi -L: no answer within 300 ms$/),
    );
    assert.ok(Date.now() - started < 2000);
    assert.ok(await gone(fake.pids().map((p) => p.pid)));
  } finally {
    fake.cleanup();
  }
});

test('killTree kills a long-lived child at once, and the registry forgets it', async () => {
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-l40s-595.80-load.csv') }, ['nvidia-smi']);
  try {
    const smi = resolveTool('nvidia-smi', fake.env.PATH)!;
    const { child } = await spawnTool(smi, ['--query-gpu=name', '--format=csv,noheader', '--loop-ms=100'], { env: fake.env, buffer: false });
    await sleep(300);
    assert.ok(isAlive(child.pid!));
    const before = liveChildren();
    killTree(child);
    await child;
    assert.ok(!isAlive(child.pid!));
    assert.is(liveChildren(), before - 1);
  } finally {
    fake.cleanup();
  }
});

/**
 * A stand-in service (spec/tools/gpu-parent.ts) reading the fake nvidia-smi in loop mode. It is
 * registered in `started` at once, so a failing test still kills it (it shares our stderr).
 */
const started = new Set<ChildProcess>();
async function startService(env: NodeJS.ProcessEnv, intervalMs: number): Promise<ChildProcess> {
  const parent = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'spec/tools/gpu-parent.ts')], { cwd: root, env: { ...env, GPU_PARENT_SERVICE: '1', GPU_PARENT_INTERVAL_MS: String(intervalMs) }, stdio: ['ignore', 'pipe', 'inherit'] });
  started.add(parent);
  parent.once('exit', () => started.delete(parent));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the service never got loop samples')), 10_000);
    parent.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) { clearTimeout(t); resolve(); } });
  });
  return parent;
}

/** The loop-mode child's pid, once it has started (a placeholder sample may come before it). */
async function loopPid(fake: ReturnType<typeof fakeGpuPath>): Promise<number> {
  const end = Date.now() + 10_000;
  for (;;) {
    const loop = fake.pids().find((p) => p.args.some((a) => a.startsWith('--loop-ms')));
    if (loop) return loop.pid;
    if (Date.now() > end) throw new Error('no loop-mode nvidia-smi started');
    await sleep(25);
  }
}

test.after.each(() => {
  for (const parent of started) parent.kill('SIGKILL');
});

test('no orphan nvidia-smi after the service gets SIGTERM: killed at once by the registry', async () => {
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-h100-590.48.01-load.csv') }, ['nvidia-smi']);
  try {
    // A 5 s loop period: the child writes nothing during the check, so only an explicit kill can end it.
    const parent = await startService(fake.env, 5000);
    const pid = await loopPid(fake);
    assert.ok(isAlive(pid));
    const exited = new Promise((r) => parent.on('exit', r));
    parent.kill('SIGTERM');
    await exited;
    assert.ok(await gone([pid], 1000), 'the loop child died with the service, long before its next write');
  } finally {
    fake.cleanup();
  }
});

test('no orphan nvidia-smi even when the service is SIGKILLed (parent-death signal; else its next write hits a closed pipe)', async () => {
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-h100-590.48.01-load.csv') }, ['nvidia-smi']);
  try {
    const parent = await startService(fake.env, 100);
    const pid = await loopPid(fake);
    const exited = new Promise((r) => parent.on('exit', r));
    parent.kill('SIGKILL');
    await exited;
    assert.ok(await gone([pid], 2000), 'the loop child died within a few loop periods');
  } finally {
    fake.cleanup();
  }
});

test.run();
