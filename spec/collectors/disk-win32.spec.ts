// The Windows disk collector end to end in this process, with an agent pool that answers from the
// stand-in's capture (derived from real Windows outputs: spec/fixtures/win32/README.md): sizes and
// I/O joined by the same withDiskIo path as Linux (baseline, rates after the prime, null rules,
// what was skipped), one "drives" and one "diskio" request per reading and no process started.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncScheduler, firstValueFrom, take, toArray } from 'rxjs';
import { diskCollector } from '../../lib/collectors/disk.js';
import type { CollectorContext } from '../../lib/collectors/context.js';
import type { AgentPool } from '../../lib/platform/win32/agent-pool.js';
import type { AgentOp } from '../../lib/platform/win32/protocol.js';
import { ROOT } from '../helpers/service.js';

const CAPTURE = JSON.parse(readFileSync(join(ROOT, 'spec', 'stand-ins', 'captures', 'powershell-exe.json'), 'utf8'));
const statfs = async () => ({ bsize: 4096, blocks: 1000, bfree: 400, bavail: 300 });

/** A pool whose agent answers each op from `answers` (a list: one per request in turn, the last repeating). */
function fakeAgent(answers: Partial<Record<AgentOp, unknown[]>>): { pool: AgentPool; asked: { op: AgentOp; at: number }[] } {
  const asked: { op: AgentOp; at: number }[] = [];
  const served = new Map<AgentOp, number>();
  const pool: AgentPool = {
    acquire: () => ({
      async request(op) {
        asked.push({ op, at: asyncScheduler.now() });
        const list = answers[op];
        if (!list) throw new Error(`powershell agent: ${op}: no answer`);
        const n = served.get(op) ?? 0;
        served.set(op, n + 1);
        const answer = list[Math.min(n, list.length - 1)];
        if (answer instanceof Error) throw answer;
        return answer;
      },
      release: () => undefined,
    }),
  };
  return { pool, asked };
}

function win32Ctx(agent: AgentPool, primeMs = 200): CollectorContext {
  return { intervalMs: 1000, timeoutMs: 800, primeMs, scheduler: asyncScheduler, procRoot: '/proc', sysRoot: '/sys', platform: 'win32', agent };
}

const drives = CAPTURE.answers.drives[0];
const diskio = CAPTURE.answers.diskio[0];
/** A second answer with C: and PhysicalDrive0 moved on (composed from the capture: the numbers added are ours). */
const later = diskio.map((c: any) => (c.name === 'C:\\' || c.name === 'PhysicalDrive0'
  ? { ...c, readBytes: c.readBytes + 4_000_000, writtenBytes: c.writtenBytes + 1_000_000, reads: c.reads + 400, writes: c.writes + 100 }
  : c));

test('the first reading after the prime carries real rates from two differing agent answers; machine-wide is the physical disk', async () => {
  const { pool, asked } = fakeAgent({ drives: [drives], diskio: [diskio, later] });
  const sample = await firstValueFrom(diskCollector(win32Ctx(pool), { statfs }));
  assert.is(sample.ok, true);
  assert.is(sample.source, 'powershell agent + statfs + IOCTL_DISK_PERFORMANCE');
  const diskioAt = asked.filter((a) => a.op === 'diskio').map((a) => a.at);
  assert.is(diskioAt.length, 2, 'the baseline and the reading: one diskio request each');
  const seconds = (diskioAt[1]! - diskioAt[0]!) / 1000;
  assert.ok(seconds >= 0.15, `the prime between them: ${seconds} s`);
  const c = sample.value.disks.find((d) => d.mountpoint === 'C:\\')!;
  const near = (value: number | null, expected: number) => value !== null && Math.abs(value - expected) / expected < 0.1;
  assert.ok(near(c.readBytesPerSec, 4_000_000 / seconds), `C: read ${c.readBytesPerSec} B/s, expected about ${4_000_000 / seconds}`);
  assert.ok(near(c.writesPerSec, 100 / seconds), `C: ${c.writesPerSec} writes/s`);
  assert.equal([c.readBytes, c.writtenBytes, c.busyPercent, c.ioTime], [9112945664 + 4_000_000, 5878823936 + 1_000_000, null, null]);
  const d = sample.value.disks.find((x) => x.mountpoint === 'D:\\')!;
  assert.equal([d.readBytes, d.readBytesPerSec], [null, null], 'no volume entry for D: in the answer: null, not 0');
  assert.ok(near(sample.value.io.readBytesPerSec, 4_000_000 / seconds));
  assert.is(sample.value.io.readBytes, 59462397440 + 4_000_000, 'PhysicalDrive0 alone, not the volumes again');
});

test('a diskio request that fails: sizes come, the I/O is null and the sample says why; the next good answer has no rate until a second one', async () => {
  const { pool } = fakeAgent({ drives: [drives], diskio: [diskio, new Error('powershell agent: diskio: Access is denied'), diskio, later] });
  const samples = await firstValueFrom(diskCollector(win32Ctx(pool, 50), { statfs }).pipe(take(3), toArray()));
  const [failed, first, second] = samples;
  assert.equal(failed!.value.disks.map((x) => x.mountpoint), ['C:\\', 'D:\\']);
  assert.is(failed!.value.disks[0]!.total, 4096000);
  assert.is(failed!.value.disks[0]!.readBytes, null);
  assert.equal(failed!.value.io, { readBytesPerSec: null, writeBytesPerSec: null, readBytes: null, writtenBytes: null });
  assert.match(failed!.skipped!.join('\n'), /^disk I\/O: .*Access is denied/);
  assert.is(first!.value.disks[0]!.readBytesPerSec, null, 'after a failure the baseline is gone: counters, no rate');
  assert.is(first!.value.disks[0]!.readBytes, 9112945664);
  assert.ok((second!.value.disks[0]!.readBytesPerSec ?? 0) > 0, 'then rates again');
});

test.run();
