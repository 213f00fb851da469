// Windows: the nvidia-smi loop child is handed to the agent (`adopt`), which holds it in a
// kill-on-close Job Object, so it cannot outlive the agent, which cannot outlive the service.
// Linux can show the hand-over (the request, with the loop child's pid); that the job ends
// nvidia-smi when the agent exits needs a real Windows (README, "Windows").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpuCollector } from '../../../lib/collectors/gpu/index.js';
import { createAgentPool } from '../../../lib/platform/win32/agent-pool.js';
import { fakeGpuPath, fixture } from '../../helpers/fake-gpu-path.js';
import { realCtx, samples } from '../../helpers/gpu-collector.js';
import { ROOT } from '../../helpers/service.js';
import { gone, until } from '../../helpers/wait.js';

const H100 = fixture('nvidia-smi/query-gpu-all-fields-h100-mig-590.48.01-load.csv');

test('the loop child\'s pid goes to the agent once it runs; unsubscribing still ends both', async () => {
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: H100 }, ['nvidia-smi']);
  const adoptLog = join(fake.dir, 'adopt.log');
  const toolsLog = join(fake.dir, 'tools.log');
  const agent = createAgentPool({
    powershell: join(ROOT, 'spec', 'stand-ins', 'powershell.exe'),
    env: { ...process.env, FAKE_POWERSHELL_EXE_ADOPT_LOG: adoptLog, FAKE_TOOLS_LOG: toolsLog },
  });
  try {
    const ctx = realCtx({ platform: 'win32', agent });
    const got = await samples(gpuCollector(ctx, { env: fake.env, nvidiaSmiPath: join(fake.dir, 'nvidia-smi'), processIntervalMs: 0 }), 4);
    assert.ok(got.slice(1).every((s) => s.ok && s.source === 'nvidia-smi loop'), JSON.stringify(got.map((s) => s.source)));
    const loop = fake.pids().find((p) => p.args.some((a) => a.startsWith('--loop-ms=')));
    assert.ok(loop, 'a loop child ran');
    await until(() => existsSync(adoptLog) && readFileSync(adoptLog, 'utf8').includes(`${loop!.pid}\n`), 3000, 'the adopt request');
    assert.is(readFileSync(adoptLog, 'utf8'), `${loop!.pid}\n`, 'exactly the loop child, once');
    assert.ok(await gone([loop!.pid]), 'the loop child is ended on unsubscribe');
    const agentPid = Number(readFileSync(toolsLog, 'utf8').split(' ')[1]);
    assert.ok(await gone([agentPid], 3000), 'the agent ends when its last user (the GPU loop) leaves');
  } finally {
    fake.cleanup();
  }
});

test.run();
