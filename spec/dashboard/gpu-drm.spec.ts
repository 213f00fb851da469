// The dashboard's GPU widget for AMD and Intel GPUs (processes from fdinfo) and for a sleeping GPU,
// in headless Chromium against an in-process server whose procRoot/sysRoot are the composed trees.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createMonitor } from '../../lib/monitor.js';
import { createServer } from '../../lib/server.js';
import { fakeGpuPath } from '../helpers/fake-gpu-path.js';
import { gpuTree, type GpuTree } from '../helpers/gpu-trees.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = !existsSync(CHROMIUM) && !process.env.CI;
if (SKIP) console.log(`GPU dashboard spec skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const it = SKIP ? test.skip : test;

let browser: Browser;
test.before(async () => {
  if (!SKIP) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
});
test.after(async () => { await browser?.close(); });

async function gpuWidget(tree: GpuTree, edit: (root: string) => void = () => {}): Promise<string> {
  const root = gpuTree(tree);
  edit(root);
  const fake = fakeGpuPath({}, []);
  const monitor = createMonitor({ intervalMs: 500, lingerMs: 1000, gpu: { env: fake.env }, procRoot: join(root, 'proc'), sysRoot: join(root, 'sys') });
  const server = await createServer(monitor, { port: 0 });
  const page = await browser.newPage();
  try {
    await page.goto(server.url + '/');
    await page.locator('#gpu article.gpu').first().waitFor({ timeout: 8000 });
    await page.waitForTimeout(200);
    return await page.locator('#gpu').innerText();
  } finally {
    await page.close();
    await server.close();
    monitor.close();
    fake.cleanup();
  }
}

it('Intel iGPU: the widget lists llama.cpp and the browser with their busy % and memory', async () => {
  const text = await gpuWidget('intel-igpu-browser-llama');
  assert.match(text, /llama-server\s+4300\s+0(\.0)?\s?%\s·\s4(\.0)?\sGiB/);
  assert.match(text, /chrome\s+4200\s+0(\.0)?\s?%\s·\s177\sMiB/);
});

it('AMD: llama-server once (shared DRM client) and gnome-shell', async () => {
  const text = await gpuWidget('amd-shared-client');
  assert.match(text, /llama-server\s+3100/);
  assert.match(text, /gnome-shell\s+1500/);
  assert.not.match(text, /3101/);
});

it('a runtime-suspended GPU reads "Asleep", not 0 % busy', async () => {
  const text = await gpuWidget('amd-shared-client', (root) => writeFileSync(join(root, 'sys/bus/pci/devices/0000:03:00.0/power/runtime_status'), 'suspended\n'));
  assert.match(text, /asleep/i);
  assert.match(text, /Usage\s+Asleep/);
  assert.not.match(text, /Usage\s+0(\.0)?\s?%/);
});

test.run();
