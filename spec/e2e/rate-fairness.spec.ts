import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startService, type RunningService } from '../helpers/service.js';

// Issue 14: a web page flooding the service must not starve the local programs that read it
// (the ClaraVerse main process, curl). Default settings: 20 requests/s, bursts of 40.

let service: RunningService;
test.before(async () => {
  service = await startService(['--interval', '500ms', '--linger', '500ms']);
});
test.after(async () => {
  await service?.stop();
});

/** `total` requests, `concurrency` at a time; returns the count per status. */
async function flood(url: string, headers: Record<string, string>, total: number, concurrency: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const r = await fetch(url, { headers }).catch(() => null);
      const status = r?.status ?? 0;
      await r?.arrayBuffer();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

/** A plain local reader (no Origin), one read every 200 ms until stopped. */
function plainReader(base: string) {
  const results: { path: string; status: number }[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const path = i % 2 ? '/api/health' : '/api/stats/cpu';
      const r = await fetch(base + path).catch(() => null);
      results.push({ path, status: r?.status ?? 0 });
      await r?.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return { results, stop: async () => { running = false; await done; } };
}

test('during a flood of 1,500 cross-origin requests (15 at a time) every plain local read answers 200', async () => {
  const reader = plainReader(service.url);
  await new Promise((r) => setTimeout(r, 300));
  const statuses = await flood(`${service.url}/api/stats/cpu`, { Origin: 'https://evil.example' }, 1500, 15);
  await new Promise((r) => setTimeout(r, 400));
  await reader.stop();
  assert.equal([...statuses.keys()], [403], `the flood is refused, never rate-limited into the readers' budget: ${JSON.stringify([...statuses])}`);
  assert.is(statuses.get(403), 1500);
  assert.ok(reader.results.length >= 3, `reads happened during the flood: ${reader.results.length}`);
  const failed = reader.results.filter((r) => r.status !== 200);
  assert.equal(failed, [], `every plain read answered 200 (${reader.results.length} reads)`);
});

test('a flooding page on an allowed origin spends only its own budget: plain reads and other pages still answer', async () => {
  const reader = plainReader(service.url);
  await new Promise((r) => setTimeout(r, 300));
  const statuses = await flood(`${service.url}/api/health`, { Origin: 'http://localhost:5173' }, 400, 15);
  const otherPage = await fetch(`${service.url}/api/health`, { headers: { Origin: 'http://localhost:3000' } });
  await reader.stop();
  assert.ok((statuses.get(429) ?? 0) > 0, `the flooding page is limited: ${JSON.stringify([...statuses])}`);
  assert.is(otherPage.status, 200, 'another local page is not');
  const failed = reader.results.filter((r) => r.status !== 200);
  assert.equal(failed, [], `every plain read answered 200 (${reader.results.length} reads)`);
});

test.run();
