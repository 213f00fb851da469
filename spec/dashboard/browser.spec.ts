// The dashboard in a real headless Chromium (Debian's, driven by playwright-core) against the built
// service with the nvidia-smi stand-in replaying two captured GPUs (an RTX 4080 SUPER, and an H100
// in MIG mode whose utilization the driver does not report). Screenshots go to spec/artifacts/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, startService, type RunningService } from '../helpers/service.js';
import { fakeGpuPath, fixture, type FakeGpuPath } from '../helpers/fake-gpu-path.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(ROOT, 'spec', 'artifacts');
const RTX = 'NVIDIA GeForce RTX 4080 SUPER';
const H100 = 'NVIDIA H100 80GB HBM3';
const SERVICE_ARGS = ['--interval', '1s', '--linger', '1s'];

// CI (CI=true) installs chromium and must run this; elsewhere a machine without it skips, saying so.
const SKIP = !existsSync(CHROMIUM) && !process.env.CI;
if (SKIP) console.log(`browser spec skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const it = SKIP ? test.skip : test;

let browser: Browser;
let gpu: FakeGpuPath;
let service: RunningService;

test.before(async () => {
  if (SKIP) return;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium); .ci/run does`);
  mkdirSync(ARTIFACTS, { recursive: true });
  gpu = fakeGpuPath({
    FAKE_NVIDIA_SMI_CSV: [
      fixture('nvidia-smi/query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv'),
      fixture('nvidia-smi/query-gpu-all-fields-h100-mig-590.48.01-load.csv'),
    ].join(':'),
    FAKE_NVIDIA_SMI_APPS: fixture('nvidia-smi/compute-apps-rtx4080super-linux-595.71.05-load.csv'),
  }, ['nvidia-smi'], true);
  [browser, service] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: FLAGS }),
    startService(SERVICE_ARGS, gpu.env),
  ]);
});

test.after(async () => {
  await browser?.close();
  await service?.stop();
  gpu?.cleanup();
});

interface Watched {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked for (HTTP and WebSocket). */
  urls: string[];
  consoleErrors: string[];
  /** Stats messages received over the WebSocket so far. */
  ticks(): number;
  navigations(): number;
}

async function open(path: string, options: { width: number; scheme: 'light' | 'dark' }): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: options.width, height: 900 }, colorScheme: options.scheme });
  const page = await context.newPage();
  const urls: string[] = [];
  const consoleErrors: string[] = [];
  let ticks = 0;
  let navigations = 0;
  page.on('request', (r) => urls.push(r.url()));
  page.on('websocket', (ws) => {
    urls.push(ws.url());
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string' && f.payload.includes('"timestamp"') && !f.payload.startsWith('{"history"')) ticks++;
    });
  });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
  await page.goto(service.url + path);
  return { page, context, urls, consoleErrors, ticks: () => ticks, navigations: () => navigations };
}

// Page-side code as strings: the specs are type-checked without the DOM library.
const widgetText = (page: Page) => page.evaluate<string[]>(`['#gpu', '#system', '#processes'].map((id) => document.querySelector(id).innerText)`);

async function waitTicks(w: Watched, n: number, timeoutMs = 8000) {
  const target = w.ticks() + n;
  const deadline = Date.now() + timeoutMs;
  while (w.ticks() < target) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} new ticks within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await w.page.waitForTimeout(150); // let the page draw the last one
}

it('wide, light: three live widgets, GPU names, nulls as "—", named charts, nothing from another origin', async () => {
  const w = await open('/', { width: 1280, scheme: 'light' });
  try {
    await w.page.locator('#gpu h3', { hasText: RTX }).waitFor({ timeout: 8000 });
    await w.page.locator('#gpu h3', { hasText: H100 }).waitFor();
    await waitTicks(w, 1);
    const before = await widgetText(w.page);
    const pointsBefore = await w.page.locator('#gpu svg.spark').first().getAttribute('data-points');
    await waitTicks(w, 2);
    const after = await widgetText(w.page);
    ['GPU monitor', 'System monitor', 'Process monitor'].forEach((name, i) => {
      assert.is.not(after[i], before[i], `${name} shows new values after two ticks`);
    });
    const pointsAfter = await w.page.locator('#gpu svg.spark').first().getAttribute('data-points');
    assert.ok(Number(pointsAfter) > Number(pointsBefore), `GPU sparkline grows: ${pointsBefore} -> ${pointsAfter}`);

    // What the capture says, as the GPU widget shows it; the H100 in MIG mode reports no utilization: "—", not 0.
    const value = async (gpuCard: ReturnType<Page['locator']>, tileName: string) =>
      (await gpuCard.locator('.tile', { hasText: tileName }).locator('.v').innerText()).replace(/\u00a0/g, ' ').trim();
    const rtx = w.page.locator('article.gpu', { has: w.page.locator('h3', { hasText: RTX }) });
    const h100 = w.page.locator('article.gpu', { has: w.page.locator('h3', { hasText: H100 }) });
    assert.is(await value(rtx, 'Usage'), '7.0 %');
    assert.is(await value(rtx, 'Temperature'), '46 °C');
    assert.is(await value(rtx, 'VRAM'), '1.4 GiB / 16.0 GiB');
    assert.is(await value(rtx, 'Power'), '84.2 W');
    assert.is(await value(rtx, 'Clocks'), '2805 MHz');
    assert.match(await rtx.locator('.gpu-procs').innerText(), /ffmpeg\s+5022\s+503\sMiB/);
    assert.is(await value(h100, 'Usage'), '—');

    // System and process widgets carry this machine's readings.
    assert.match(await w.page.locator('#system .tile', { hasText: 'CPU' }).first().innerText(), /\d+(\.\d)?\s%/);
    assert.ok(await w.page.locator('#processes tbody tr').count() >= 1, 'processes listed');
    // Disk I/O: the machine-wide tile, and on Linux each block-backed disk row with read/write rates
    // and two sparklines filled from history and the stream.
    assert.match(await w.page.locator('#system .tile', { hasText: 'Disk I/O' }).innerText(), /R\s[\d.]+\s(B|KiB|MiB|GiB)\/s\s+W\s[\d.]+\s(B|KiB|MiB|GiB)\/s/);
    if (process.platform === 'linux') {
      const rootRow = w.page.locator('#system .rows li', { has: w.page.locator('.line span[title]', { hasText: /^\/\s/ }) }).first();
      assert.match(await rootRow.locator('.io').innerText(), /read\s[\d.]+\s\S+\/s · write\s[\d.]+\s\S+\/s/);
      const rowSparks = await rootRow.locator('svg.spark').evaluateAll((els) => els.map((e) => [e.getAttribute('aria-label') ?? '', Number(e.getAttribute('data-points'))] as const));
      assert.equal(rowSparks.map(([name]) => name.split(' over ')[0]!.split(':')[0]), ['/ read', '/ write']);
      assert.ok(rowSparks.every(([, n]) => n >= 3), `disk sparklines carry the ticks so far: ${rowSparks.map(([, n]) => n)}`);
    }

    // Every chart has a role and a name that says what it shows.
    const charts = await w.page.locator('svg[role="img"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(charts.length >= 10, `${charts.length} charts`);
    for (const name of charts) assert.ok(name.length > 10, `chart name "${name}"`);
    assert.ok(charts.some((n) => n.startsWith(`${RTX} usage over the last`)), 'a GPU usage chart says so');

    // Sortable: by name, ascending, announced with aria-sort.
    await w.page.locator('#processes th button[data-key="name"]').click();
    assert.is(await w.page.locator('#processes th.c-name').getAttribute('aria-sort'), 'ascending');
    const names = await w.page.locator('#processes tbody td.c-name').evaluateAll((els) => els.map((e) => e.firstChild?.textContent ?? ''));
    assert.equal(names, [...names].sort((a, b) => a.localeCompare(b)));

    await w.page.screenshot({ path: join(ARTIFACTS, 'dashboard-wide-light.png'), fullPage: true });
    const origin = new URL(service.url);
    for (const url of w.urls) {
      const u = new URL(url);
      assert.ok(u.host === origin.host && ['http:', 'ws:'].includes(u.protocol), `request stays on the service's origin: ${url}`);
    }
    assert.ok(w.urls.some((u) => u.startsWith('ws:')), 'live over /ws/stats');
    assert.equal(w.consoleErrors, []);
  } finally {
    await w.context.close();
  }
});

for (const scheme of ['light', 'dark'] as const) {
  it(`360 px wide, ${scheme}: no sideways scroll`, async () => {
    const w = await open('/', { width: 360, scheme });
    try {
      await w.page.locator('#gpu h3', { hasText: RTX }).waitFor({ timeout: 8000 });
      await waitTicks(w, 1);
      const { scroll, client } = await w.page.evaluate<{ scroll: number; client: number }>(
        '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
      assert.ok(scroll <= client, `page is ${scroll} px wide in a ${client} px viewport`);
      await w.page.screenshot({ path: join(ARTIFACTS, `dashboard-narrow-${scheme}.png`), fullPage: true });
      if (scheme === 'dark') {
        const wide = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
        const page = await wide.newPage();
        await page.goto(service.url + '/');
        await page.locator('#gpu h3', { hasText: RTX }).waitFor({ timeout: 8000 });
        await page.waitForTimeout(1200);
        await page.screenshot({ path: join(ARTIFACTS, 'dashboard-wide-dark.png'), fullPage: true });
        const bg = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
        assert.is(bg, 'rgb(16, 19, 23)', 'dark background in dark mode');
        await wide.close();
      }
      assert.equal(w.consoleErrors, []);
    } finally {
      await w.context.close();
    }
  });
}

it('after the service is stopped and started again on the same port, the page is live again without a reload', async () => {
  const w = await open('/', { width: 1024, scheme: 'light' });
  try {
    await w.page.locator('#gpu h3', { hasText: RTX }).waitFor({ timeout: 8000 });
    await waitTicks(w, 1);
    assert.equal(w.consoleErrors, [], 'no console errors while the service runs');
    const port = service.port;
    await service.stop();
    await w.page.locator('#status', { hasText: 'Offline' }).waitFor({ timeout: 5000 });
    service = await startService([...SERVICE_ARGS, '--port', String(port)], gpu.env);
    assert.is(service.port, port);
    await w.page.locator('#status', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
    await waitTicks(w, 2, 10_000);
    assert.is(w.navigations(), 1, 'never reloaded');
    assert.match(await w.page.locator('#gpu').innerText(), new RegExp(RTX));
    // While it was down the browser reports the refused connections; nothing else.
    for (const e of w.consoleErrors) assert.match(e, /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed/, e);
  } finally {
    await w.context.close();
  }
});

it('with a token: ?token= connects (and leaves the address bar), without it the page asks for it', async () => {
  const token = 'dashboard-spec-token-0123456789';
  const guarded = await startService(SERVICE_ARGS, { ...gpu.env, WIDGETS_TOKEN: token });
  const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
  try {
    const page = await context.newPage();
    await page.goto(`${guarded.url}/?token=${token}`);
    await page.locator('#gpu h3', { hasText: RTX }).waitFor({ timeout: 8000 });
    assert.is(new URL(page.url()).search, '', 'the token is not left in the address bar');

    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    await other.goto(`${guarded.url}/`);
    await other.locator('#token-form').waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await other.locator('#status').innerText(), /Token needed/);
    await other.fill('#token', token);
    await other.click('#token-form button');
    await other.locator('#gpu h3', { hasText: RTX }).waitFor({ timeout: 8000 });
    assert.ok(await other.locator('#token-form').isHidden());
    await fresh.close();
  } finally {
    await context.close();
    await guarded.stop();
  }
});

test.run();
