// What the service as `npm start` runs it loads: the modules for TLS (https, tls), WebSocket
// compression (zlib) and starting tools (execa's streams and timers) stay unloaded until used. Each
// built-in module loaded maps more of the node binary into the process (README "Performance").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { CLI, getJson, ROOT, startProcess } from '../helpers/service.js';
import { fakeGpuPath, fixture } from '../helpers/fake-gpu-path.js';

const PRELOAD = path.join(ROOT, 'spec', 'tools', 'module-list.cjs');
let dir: string;

test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'widgets-lean-'));
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the service with `args`, lets `use` talk to it, stops it and returns the built-in modules it loaded. */
async function modulesLoaded(name: string, args: string[], use: (url: string) => Promise<void>, env: NodeJS.ProcessEnv = {}): Promise<Set<string>> {
  const file = path.join(dir, `${name}.txt`);
  const service = await startProcess(process.execPath, ['--require', PRELOAD, CLI, '--port', '0', '--interval', '500ms', ...args], { ...env, MODULE_LIST_FILE: file });
  try {
    await use(service.url);
  } finally {
    assert.is(await service.stop(), 0, 'stopped cleanly');
  }
  return new Set(readFileSync(file, 'utf8').split('\n'));
}

async function oneMessage(url: string): Promise<void> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws/stats');
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
  });
  ws.close();
}

test('serving REST, /metrics, the dashboard and a WebSocket client loads no TLS, compression or tool-spawning module', async () => {
  const loaded = await modulesLoaded('default', [], async (url) => {
    assert.is((await getJson(`${url}/api/stats`)).status, 200);
    assert.is((await fetch(`${url}/metrics`)).status, 200);
    assert.is((await fetch(`${url}/`)).status, 200);
    await oneMessage(url);
  });
  assert.ok(loaded.has('http') && loaded.has('crypto'), 'the list is real: http and crypto (WebSocket handshake) are there');
  for (const unused of ['https', 'tls', 'zlib', 'timers/promises', 'tty']) assert.not.ok(loaded.has(unused), `${unused} not loaded`);
});

test('with a GPU tool on PATH the spawning modules load, and with --tls-cert https does', async () => {
  const fake = fakeGpuPath({ FAKE_NVIDIA_SMI_CSV: fixture('nvidia-smi/query-gpu-all-fields-l40s-595.80-load.csv') }, ['nvidia-smi']);
  try {
    const gpu = await modulesLoaded('gpu', [], async (url) => {
      const gpus = (await getJson(`${url}/api/stats/gpu`)).body as { name: string }[];
      assert.match(gpus[0]!.name, /L40S/, 'the stand-in was read through execa');
    }, fake.env);
    assert.ok(gpu.has('timers/promises') || gpu.has('stream/promises'), 'execa and its modules loaded at the first spawn');
  } finally {
    fake.cleanup();
  }
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', key, '-out', cert, '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const tls = await modulesLoaded('tls', ['--tls-cert', cert, '--tls-key', key], async () => {});
  assert.ok(tls.has('https') && tls.has('tls'), 'https and tls loaded for --tls-cert');
});

test.run();
