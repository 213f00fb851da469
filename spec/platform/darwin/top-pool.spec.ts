// The monitor's one `top -l 0` loop shared by the processes and disk collectors (top-pool.ts), with
// the `top` stand-in as the tool, and the macOS disk I/O source that reads top's Disks line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncScheduler } from 'rxjs';
import { ioRates, snapshotOf, type DiskIoReading } from '../../../lib/collectors/disk-io.js';
import { topDiskIoSource } from '../../../lib/platform/darwin/disk-io.js';
import { createTopPool, type TopLease, type TopReading } from '../../../lib/platform/darwin/top-pool.js';
import { parseTopSample } from '../../../lib/platform/darwin/top.js';
import { ROOT } from '../../helpers/service.js';
import { until } from '../../helpers/wait.js';
import { readDarwinFixture } from './fixtures.js';

const STAND_INS = join(ROOT, 'spec', 'stand-ins');
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

function topOnPath(): { env: NodeJS.ProcessEnv; starts(): number[]; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'top-pool-'));
  symlinkSync(join(STAND_INS, 'top'), join(dir, 'top'));
  symlinkSync(process.execPath, join(dir, 'node'));
  const log = join(dir, 'tools.log');
  const starts = () => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => Number(/ (\d+) \d+$/.exec(l)![1]));
    } catch {
      return [];
    }
  };
  return { env: { ...process.env, PATH: dir, FAKE_TOOLS_LOG: log }, starts, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const isAlive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('two users share one top; it runs until the last one releases it, and a later user starts a new one', async () => {
  const path = topOnPath();
  const pool = createTopPool({ intervalMs: 1000, timeoutMs: 3000, scheduler: asyncScheduler, env: path.env });
  try {
    const processes = pool.acquire();
    const disk = pool.acquire();
    const first = await processes.read(undefined, 3000);
    const second = await disk.read(undefined, 3000);
    assert.ok(first && second);
    assert.is(second!.index, first!.index, 'both see the same newest sample');
    assert.equal(second!.sample.disks, { reads: 47141316, readBytes: 4825 * GIB, writes: 32699922, writtenBytes: 4607 * GIB, granularity: GIB });
    assert.is(path.starts().length, 1, 'one top for both users');
    const pid = path.starts()[0]!;
    processes.release();
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(isAlive(pid), 'still running for the disk user');
    assert.ok(await disk.read(undefined, 3000), 'the disk user still reads');
    await processes.read(undefined, 100).then(() => assert.unreachable('a released lease reads nothing'), (e: Error) => assert.match(e.message, /after release/));
    disk.release();
    await until(() => !isAlive(pid), 3000, 'top stopped with its last user');
    const again = pool.acquire();
    assert.ok(await again.read(undefined, 3000));
    assert.is(path.starts().length, 2, 'a new user after the last release starts top again');
    again.release();
  } finally {
    path.done();
  }
});

/** A lease answering with the given readings in turn (the last one repeats). */
function leaseOf(readings: (TopReading | undefined)[]): TopLease {
  let i = 0;
  return { read: async () => readings[Math.min(i++, readings.length - 1)], release: () => undefined };
}

const ventura = parseTopSample(readDarwinFixture('top/top-l1-ventura-2023.txt'));

test('macOS disk I/O: the Disks line as machine-wide totals, no per-disk figures; GiB-coarse totals give no rate (null, with why), not 0', async () => {
  // The stand-in replays one real sample: its counters never advance, and top prints them to the GiB.
  const source = topDiskIoSource(leaseOf([{ sample: ventura, at: 1000, index: 0 }, { sample: ventura, at: 2000, index: 1 }]), 100);
  const a = await source.read([]);
  const b = await source.read([]);
  assert.is(a.mounts.size, 0, 'top has no per-disk figures: every row keeps null I/O fields');
  assert.equal(b.machine, { readBytes: 4825 * GIB, writtenBytes: 4607 * GIB, reads: 47141316, writes: 32699922, busyMs: null, granularity: GIB });
  assert.match(b.skipped.join('\n'), /top prints the byte totals to the GiB/);
  const { totals } = ioRates(b, snapshotOf(a, a.at!), b.at!);
  assert.equal(totals, { readBytesPerSec: null, writeBytesPerSec: null, readBytes: 4825 * GIB, writtenBytes: 4607 * GIB });
});

test('macOS disk I/O: rates between two samples of top, over the time between the samples (composed MiB-scale lines)', async () => {
  // Composed, not captured: a machine shortly after boot prints its totals in MiB (top's own
  // formatter picks the unit); no public two-sample capture of one Mac was found. The figures
  // are ours, the line format is top's (see the real samples in spec/fixtures/darwin/top/).
  const line = (text: string) => parseTopSample(`Processes: 1 total\n${text}\n\nPID COMMAND %CPU\n1 launchd 0.0\n`);
  const s1 = line('Disks: 120034/8153M read, 64120/2210M written.');
  const s2 = line('Disks: 120554/8163M read, 64400/2214M written.');
  const source = topDiskIoSource(leaseOf([{ sample: s1, at: 10_000, index: 1 }, { sample: s2, at: 12_000, index: 2 }, { sample: s2, at: 12_000, index: 2 }]), 100);
  const r1 = await source.read([]);
  const r2 = await source.read([]);
  assert.equal(r2.skipped, [], 'MiB-scale totals are fine enough');
  const { totals } = ioRates(r2, snapshotOf(r1, r1.at!), r2.at!);
  assert.equal(totals, { readBytesPerSec: 5 * MIB, writeBytesPerSec: 2 * MIB, readBytes: 8163 * MIB, writtenBytes: 2214 * MIB });
  // Read again before top's next sample: the same sample, no time between them: no rate, not 0.
  const r3 = await source.read([]);
  assert.equal(ioRates(r3, snapshotOf(r2, r2.at!), r3.at!).totals.readBytesPerSec, null);
});

test('macOS disk I/O: top still starting is an error the collector reports (its sizes go on); a sample without a Disks line gives null totals with why', async () => {
  await Promise.resolve(topDiskIoSource(leaseOf([undefined]), 10).read([])).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /top: no sample yet/));
  const bare: DiskIoReading = await topDiskIoSource(leaseOf([{ sample: { ...ventura, disks: null }, at: 1, index: 1 }]), 10).read([]);
  assert.is(bare.machine, null);
  assert.match(bare.skipped.join('\n'), /no Disks line/);
});

test.run();
