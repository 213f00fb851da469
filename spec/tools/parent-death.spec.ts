import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pdeathsigLauncher, withParentDeathSignal } from '../../lib/tools/parent-death.js';
import { fakeGpuPath, isAlive } from '../helpers/fake-gpu-path.js';
import { gone } from '../helpers/wait.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('through setpriv when there is one: the tool and its arguments follow "--" unchanged', () => {
  assert.equal(withParentDeathSignal('/usr/bin/nvidia-smi', ['-L'], '/usr/bin/setpriv'), {
    file: '/usr/bin/setpriv',
    args: ['--pdeathsig', 'KILL', '--', '/usr/bin/nvidia-smi', '-L'],
  });
  assert.equal(withParentDeathSignal('/usr/bin/nvidia-smi', ['--evil=$(x)'], null), { file: '/usr/bin/nvidia-smi', args: ['--evil=$(x)'] });
});

test('only on Linux', async () => {
  assert.is(await pdeathsigLauncher('darwin'), null);
  assert.is(await pdeathsigLauncher('win32'), null);
});

test('on this Linux machine setpriv --pdeathsig is found and works', async () => {
  if (process.platform !== 'linux') return;
  const launcher = await pdeathsigLauncher();
  assert.ok(launcher && path.isAbsolute(launcher), `setpriv found: ${launcher}`);
});

test('a hung tool that never writes dies with a SIGKILLed parent (no broken pipe needed)', async () => {
  if (process.platform !== 'linux') return;
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_HANG: '1' }, ['nvidia-smi']);
  let parent: ChildProcess | undefined;
  try {
    const script = `
      const { spawnTool } = await import(${JSON.stringify(path.join(root, 'lib/tools/spawn.ts'))});
      const { child } = await spawnTool(${JSON.stringify(path.join(fake.dir, 'nvidia-smi'))}, ['-L'], { env: process.env });
      setTimeout(() => process.stdout.write(String(child.pid) + '\\n'), 300);
      setInterval(() => {}, 1 << 30);`;
    parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: fake.env, stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no pid from the parent')), 10_000);
      parent!.stdout!.once('data', (d: Buffer) => { clearTimeout(t); resolve(Number(String(d).trim())); });
    });
    assert.ok(isAlive(pid), 'the hung tool runs');
    const exited = new Promise((r) => parent!.on('exit', r));
    parent.kill('SIGKILL');
    await exited;
    assert.ok(await gone([pid], 2000), 'and is gone right after its parent was SIGKILLed');
  } finally {
    // It shares our stderr: a parent left running would hold the test runner's output open.
    if (parent && parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    for (const { pid } of fake.pids()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    fake.cleanup();
  }
});

test.run();
