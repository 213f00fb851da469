// AMD and Intel GPUs end to end: a monitor whose procRoot and sysRoot are the composed trees of
// spec/fixtures/gpu/trees (with the fd symlinks made), served by the real server; the first
// WebSocket message with GPUs already lists their processes (read from fdinfo), and REST and
// /api/health say what they should.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createMonitor } from '../../lib/monitor.js';
import { createServer } from '../../lib/server.js';
import { gpuTree, type GpuTree } from '../helpers/gpu-trees.js';
import { fakeGpuPath } from '../helpers/fake-gpu-path.js';
import { connect } from '../helpers/ws-client.js';
import { ROOT } from '../helpers/service.js';

const KIB = 1024;
const test = suite('AMD and Intel GPUs from sysfs and fdinfo, end to end');

async function serve(tree: GpuTree, run: (url: string) => Promise<void>) {
  const root = gpuTree(tree);
  const fake = fakeGpuPath({}, []); // no vendor tool on PATH: sysfs and fdinfo only
  const monitor = createMonitor({
    intervalMs: 300, lingerMs: 30_000, gpu: { env: fake.env, processIntervalMs: 1000 },
    procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'),
  });
  const server = await createServer(monitor, { port: 0 });
  try {
    await run(server.url);
  } finally {
    await server.close();
    monitor.close();
    fake.cleanup();
  }
}

async function firstGpuMessage(url: string): Promise<any[]> {
  const client = await connect(`${url.replace('http', 'ws')}/ws/stats`);
  try {
    const [first] = await client.waitFor((m) => Array.isArray(m.json?.gpu) && m.json.gpu.length > 0, 1, 8000);
    return first!.json.gpu;
  } finally {
    await client.close();
  }
}

test('AMD RX 6600: the first message lists llama-server once (two processes share its DRM client) and gnome-shell, with their VRAM', async () => {
  await serve('amd-shared-client', async (url) => {
    const [g] = await firstGpuMessage(url);
    assert.equal([g.vendor, g.pciBusId, g.usage, g.powerState], ['amd', '0000:03:00.0', 37, 'active']);
    assert.equal(g.processes, [
      { pid: 3100, name: 'llama-server', usedMemory: 5242880 * KIB, usage: 0 },
      { pid: 1500, name: 'gnome-shell', usedMemory: 262144 * KIB, usage: 0 },
    ]);
    const rest = await (await fetch(`${url}/api/stats/gpu`)).json() as any[];
    assert.equal(rest[0].processes.map((p: any) => p.pid), [3100, 1500]);
    const health = (await (await fetch(`${url}/api/health`)).json() as any).collectors.gpu;
    assert.equal([health.state, health.source], ['ok', 'amdgpu sysfs + fdinfo']);
  });
});

test('Intel iGPU (i915): the first message lists llama.cpp and the browser; usage and clock filled, VRAM, power and temperature null', async () => {
  await serve('intel-igpu-browser-llama', async (url) => {
    const [g] = await firstGpuMessage(url);
    assert.equal([g.vendor, g.index, g.pciBusId, g.usage, g.clockCore, g.powerState], ['intel', 0, '0000:00:02.0', 0, 1300, 'active']);
    assert.equal([g.memoryTotal, g.memoryUsed, g.memory.total, g.powerDraw, g.temperature, g.fanSpeed, g.clockMemory], [null, null, null, null, null, null, null]);
    assert.equal(g.processes, [
      { pid: 4300, name: 'llama-server', usedMemory: 4194304 * KIB, usage: 0 },
      { pid: 4200, name: 'chrome', usedMemory: 181248 * KIB, usage: 0 },
    ]);
  });
});

test('Intel Arc B580 (xe): VRAM total 12 GiB, used = the clients\' resident VRAM (a lower bound), clock, temperature, power limit and power (W from energy)', async () => {
  await serve('intel-arc-xe', async (url) => {
    const [g] = await firstGpuMessage(url);
    assert.equal([g.vendor, g.index, g.pciBusId, g.clockCore, g.temperature, g.powerLimit], ['intel', 1, '0000:03:00.0', 2850, 47, 190]);
    assert.equal([g.memoryTotal, g.memoryUsed, g.memoryFree], [12884901888, 23992 * KIB, 12884901888 - 23992 * KIB]);
    assert.is(typeof g.powerDraw, 'number');
    assert.equal(g.processes, [{ pid: 5100, name: 'llama-server', usedMemory: 23992 * KIB, usage: 0 }]);
    const health = (await (await fetch(`${url}/api/health`)).json() as any).collectors.gpu;
    assert.equal([health.state, health.source], ['ok', 'xe sysfs + fdinfo']);
  });
});

test('run as an unprivileged user: another user\'s GPU process is left out and /api/health says how many were unreadable', async () => {
  const root = gpuTree('amd-shared-client');
  chmodSync(root, 0o755);
  chmodSync(join(root, 'proc/1500/fd'), 0o700); // gnome-shell's fds belong to root: another user for `nobody`
  const code = `import { createMonitor } from ${JSON.stringify(join(ROOT, 'lib/monitor.ts'))};
    import { createServer } from ${JSON.stringify(join(ROOT, 'lib/server.ts'))};
    const monitor = createMonitor({ intervalMs: 300, lingerMs: 1000, gpu: { env: { PATH: '/nonexistent' } }, procRoot: ${JSON.stringify(join(root, 'proc'))}, sysRoot: ${JSON.stringify(join(root, 'sys'))} });
    const server = await createServer(monitor, { port: 0 });
    const gpu = await (await fetch(server.url + '/api/stats/gpu')).json();
    const health = (await (await fetch(server.url + '/api/health')).json()).collectors.gpu;
    console.log(JSON.stringify({ pids: gpu[0].processes.map((p) => p.pid), source: health.source }));
    await server.close(); monitor.close();`;
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 20_000, ...asUser });
  assert.is(out.status, 0, out.stderr);
  const got = JSON.parse(out.stdout.trim().split('\n').pop()!);
  assert.equal(got.pids, [3100]);
  assert.is(got.source, 'amdgpu sysfs + fdinfo (1 process of other users not readable: their GPU use is not listed)');
});

test.run();
