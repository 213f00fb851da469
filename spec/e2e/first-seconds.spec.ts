// The first seconds of a WebSocket client on an idle service, the built service and a real client:
// the second message comes one interval after the first, and the next ones one interval apart,
// with and without the nvidia-smi loop child (a child on its own clock, like `top -l 0` on macOS).
// The tolerance is the contract's, a quarter of the interval; timing is measured by benchmarks,
// this only asserts the spacing a user would notice (before: 1.5–3.4 intervals for the second).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startService } from '../helpers/service.js';
import { fakeGpuPath, fixture } from '../helpers/fake-gpu-path.js';
import { connect, isStats } from '../helpers/ws-client.js';

const INTERVAL = 500;
const MESSAGES = 5;

async function firstGaps(env: NodeJS.ProcessEnv): Promise<{ gaps: number[]; gpus: number[] }> {
  const service = await startService(['--interval', `${INTERVAL}ms`], env);
  try {
    const client = await connect(`ws://127.0.0.1:${service.port}/ws/stats`);
    const stats = await client.waitFor(isStats, MESSAGES, 10_000);
    await client.close();
    return { gaps: stats.slice(1).map((m, i) => Math.round(m.at - stats[i]!.at)), gpus: stats.map((m) => m.json.gpu.length) };
  } finally {
    await service.stop();
  }
}

const withinQuarter = (gaps: number[]) => gaps.every((g) => Math.abs(g - INTERVAL) <= INTERVAL / 4);

test('without a GPU tool: the second message one interval after the first, then one per interval', async () => {
  // PATH without nvidia-smi, rocm-smi or amd-smi: the GPU collector reports once and stops.
  const { gaps } = await firstGaps({ PATH: '/usr/bin:/bin' });
  assert.ok(withinQuarter(gaps), `gaps ${gaps.join(', ')} ms; each ${INTERVAL} ± ${INTERVAL / 4}`);
});

test('with the nvidia-smi loop child on its own clock: the same spacing from the second message on', async () => {
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-l40s-595.80-load.csv') }, ['nvidia-smi'], true);
  try {
    const { gaps, gpus } = await firstGaps(fake.env);
    assert.ok(gpus.every((n) => n === 1), `the GPU in every message: ${gpus.join(', ')}`);
    assert.ok(withinQuarter(gaps), `gaps ${gaps.join(', ')} ms; each ${INTERVAL} ± ${INTERVAL / 4}`);
  } finally {
    fake.cleanup();
  }
});

test.run();
