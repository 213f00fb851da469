// The fallback code path, run on Linux: a platform with no collectors of its own (FreeBSD, say) reads
// through systeminformation (which on this machine reads Linux through its own Linux code), so every
// fallback mapping runs end to end in CI and its payloads are held to the same contract as the
// procfs ones: fields, units, null rules. macOS and Windows have their own collectors, run with the
// stand-ins by spec/e2e/darwin-stand-ins.spec.ts and spec/e2e/win32.spec.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import os from 'node:os';
import { join } from 'node:path';
import { checkCpu, checkDisk, checkGpuList, checkMemory, checkNetwork, checkProcesses, checkStats, rssOf, STATS_KEYS } from '../helpers/contract.js';
import { getJson, ROOT, startProcess, type RunningService } from '../helpers/service.js';
import { firstStats } from '../helpers/ws-client.js';
import { TOPICS } from '../../lib/types.js';

const SERVE = join(ROOT, 'spec', 'tools', 'serve-as-platform.mjs');

for (const platform of ['freebsd'] as const) {
  const it = suite<{ service: RunningService }>(`fallback collectors (platform ${platform})`, {} as { service: RunningService });
  const status = /^[a-z-]+$/;

  it.before(async (ctx) => {
    ctx.service = await startProcess(process.execPath, [SERVE, platform, '2000']);
  });

  it.after(async (ctx) => {
    assert.is(await ctx.service?.stop('SIGTERM'), 0, 'SIGTERM ends it cleanly');
  });

  it('GET /api/stats answers the whole contract from the systeminformation collectors', async ({ service }) => {
    const { status: code, body } = await getJson(`${service.url}/api/stats`);
    assert.is(code, 200);
    const health = (await getJson(`${service.url}/api/health`)).body;
    try {
      checkStats(body, { processStatus: status });
    } catch (error) {
      (error as Error).message += ` (collectors: ${JSON.stringify(health.collectors)})`;
      throw error;
    }
    for (const topic of TOPICS) {
      assert.is(health.collectors[topic].state, 'ok', `${topic}: ${health.collectors[topic].reason ?? ''}`);
      assert.is(health.collectors[topic].source, topic === 'cpu' ? 'os.cpus' : 'systeminformation', `${topic} read through the fallback (CPU: os.cpus() deltas)`);
    }
  });

  it('each sub-endpoint answers its part in the same shape', async ({ service }) => {
    checkCpu((await getJson(`${service.url}/api/stats/cpu`)).body);
    checkMemory((await getJson(`${service.url}/api/stats/memory`)).body);
    checkGpuList((await getJson(`${service.url}/api/stats/gpu`)).body);
    checkDisk((await getJson(`${service.url}/api/stats/disk`)).body);
    checkNetwork((await getJson(`${service.url}/api/stats/network`)).body);
    checkProcesses((await getJson(`${service.url}/api/stats/processes`)).body, { status });
  });

  it('all processes: sorted by CPU, rss in bytes and memory in % of RAM, as the kernel counts them', async ({ service }) => {
    const { status: code, body } = await getJson(`${service.url}/api/stats/processes?scope=all&limit=1000`);
    assert.is(code, 200);
    checkProcesses(body, { status });
    for (let i = 1; i < body.length; i++) assert.ok(body[i - 1].cpu >= body[i].cpu, 'sorted by CPU, descending');
    const self = body.find((p: any) => p.pid === service.child.pid);
    assert.ok(self, 'the service itself is listed');
    const rss = rssOf(service.child.pid!);
    assert.ok(self.rss > rss * 0.5 && self.rss < rss * 2, `rss in bytes: ${self.rss} vs /proc ${rss}`);
    assert.ok(Math.abs(self.memory - (self.rss / os.totalmem()) * 100) < 0.5, `memory is % of RAM: ${self.memory}`);
  });

  it('a silent WebSocket client gets the full stats object, like GET /api/stats', async ({ service }) => {
    const message = await firstStats(`ws://127.0.0.1:${service.port}/ws/stats`);
    assert.equal(Object.keys(message), STATS_KEYS);
    checkStats(message, { processStatus: status });
  });

  it.run();
}
