// Disk I/O end to end: real O_DIRECT writes and reads (dd) on the file system of the spec's temp
// directory, the real service polled over HTTP, and /proc/diskstats read by the spec itself as the
// truth for the same seconds. O_DIRECT bypasses the page cache, so the bytes reach the device while
// dd runs instead of at the next writeback.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseMountinfo } from '../../lib/procfs/mountinfo.js';
import { parseDiskstats } from '../../lib/procfs/diskstats.js';
import { selectMounts } from '../../lib/collectors/disk.js';
import { getJson, startService, type RunningService } from '../helpers/service.js';

const run = promisify(execFile);
const INTERVAL_MS = 500;
const MiB = 1024 * 1024;

/** major:minor of the file system holding `path` (Linux's dev_t encoding, as glibc's major()/minor()). */
function devNumOf(path: string): string {
  const dev = BigInt(statSync(path, { bigint: true }).dev);
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

interface Target { dir: string; devNum: string; mountpoint: string; deviceLine: string }

/** Where the spec can really measure, or why it cannot. */
function findTarget(): Target | string {
  if (process.platform !== 'linux') return `${process.platform}: /proc/diskstats is Linux only`;
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'widgets-diskio-')));
  const devNum = devNumOf(dir);
  const mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
  const own = mounts.filter((m) => m.device === devNum).sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
  const listed = selectMounts(mounts, false).find((m) => m.device === devNum);
  const line = parseDiskstats(readFileSync('/proc/diskstats', 'utf8')).devices.find((d) => d.devNum === devNum);
  const why = !listed ? `${own?.fstype ?? 'an unlisted file system'} at ${own?.mountpoint ?? dir} is not a listed disk`
    : !line ? `${listed.fstype} at ${listed.mountpoint} (${devNum}) has no line of its own in /proc/diskstats (no block device)`
      : undefined;
  if (why) {
    rmSync(dir, { recursive: true, force: true });
    return why;
  }
  return { dir, devNum, mountpoint: listed!.mountpoint, deviceLine: line!.name };
}

const target = findTarget();
let service: RunningService | undefined;

test.before(async () => {
  if (typeof target === 'string') return;
  service = await startService(['--interval', `${INTERVAL_MS}ms`, '--linger', '5s']);
});

test.after(async () => {
  await service?.stop();
  if (typeof target !== 'string') rmSync(target.dir, { recursive: true, force: true });
});

interface Observation {
  /** performance.now() when the spec first saw this reading. */
  at: number;
  readBytesPerSec: number | null;
  writeBytesPerSec: number | null;
  /** The device's counters in /proc/diskstats, read by the spec at that moment. */
  truthRead: number;
  truthWritten: number;
}

function truth(devNum: string): { read: number; written: number } {
  const line = parseDiskstats(readFileSync('/proc/diskstats', 'utf8')).devices.find((d) => d.devNum === devNum)!;
  return { read: line.readBytes, written: line.writtenBytes };
}

/** Polls /api/stats every 50 ms until `done`, keeping each new reading (a new tick, by its timestamp) with the truth at that moment. */
async function observe(t: Target, done: Promise<unknown>): Promise<Observation[]> {
  const seen: Observation[] = [];
  let finished = false;
  void done.finally(() => { finished = true; });
  let last: string | undefined;
  while (!finished) {
    // The whole stats object for its timestamp: an idle disk's readings repeat value for value.
    const { body } = await getJson(`${service!.url}/api/stats`);
    const disk = ((body as any).disk as any[]).find((d) => d.mountpoint === t.mountpoint);
    const key = (body as any).timestamp as string;
    if (disk && key !== last) {
      last = key;
      const now = truth(t.devNum);
      seen.push({ at: performance.now(), readBytesPerSec: disk.readBytesPerSec, writeBytesPerSec: disk.writeBytesPerSec, truthRead: now.read, truthWritten: now.written });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

/** Runs the command again and again for `ms`, pausing between runs: a steady ~100–200 MB/s, not the disk's flat-out speed (gigabytes per run on a CI disk). */
async function repeatFor(ms: number, command: string, args: string[], pauseMs = 40): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await run(command, args);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/**
 * The service's mean rate over the ticks of the steady middle of a phase (the first two and the
 * last are ramps), against the spec's own /proc/diskstats rate over the same seconds: from the
 * observation before the first of those ticks to the last.
 */
function compare(seen: Observation[], pick: 'read' | 'write'): { service: number; diskstats: number; ticks: number } {
  const middle = seen.slice(2, -1);
  assert.ok(middle.length >= 3, `at least 3 steady ticks observed (saw ${seen.length} in all)`);
  const before = seen[1]!;
  const lastTick = middle[middle.length - 1]!;
  const rates = middle.map((o) => (pick === 'read' ? o.readBytesPerSec : o.writeBytesPerSec));
  assert.ok(rates.every((r) => typeof r === 'number'), `every tick has a ${pick} rate: ${rates.join(', ')}`);
  const service = (rates as number[]).reduce((a, b) => a + b, 0) / rates.length;
  const bytes = pick === 'read' ? lastTick.truthRead - before.truthRead : lastTick.truthWritten - before.truthWritten;
  return { service, diskstats: bytes / ((lastTick.at - before.at) / 1000), ticks: middle.length };
}

test('O_DIRECT writes then reads on the temp dir\'s file system: the service\'s rates match /proc/diskstats within 20 %, and fall to near 0 after', async () => {
  if (typeof target === 'string') {
    console.log(`  disk-io e2e not run here: ${target}`);
    return;
  }
  const file = join(target.dir, 'direct.bin');
  // Prepare the file first, so the read phase reads blocks that exist on the device.
  await run('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=8', 'oflag=direct', 'status=none']);
  await getJson(`${service!.url}/api/stats/disk`); // wake the collector; its baseline is taken now

  const writing = repeatFor(3500, 'dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=8', 'oflag=direct', 'conv=notrunc', 'status=none']);
  const writes = compare(await observe(target, writing), 'write');
  assert.ok(writes.diskstats > 4 * MiB, `dd wrote at a measurable rate (${(writes.diskstats / MiB).toFixed(1)} MiB/s)`);
  const writeRatio = writes.service / writes.diskstats;
  assert.ok(Math.abs(writeRatio - 1) <= 0.2,
    `writeBytesPerSec of ${target.mountpoint} (${target.deviceLine}) over ${writes.ticks} ticks: service ${(writes.service / MiB).toFixed(2)} MiB/s, /proc/diskstats ${(writes.diskstats / MiB).toFixed(2)} MiB/s`);

  const reading = repeatFor(2500, 'dd', [`if=${file}`, 'of=/dev/null', 'bs=1M', 'count=8', 'iflag=direct', 'status=none']);
  const reads = compare(await observe(target, reading), 'read');
  const readRatio = reads.service / reads.diskstats;
  assert.ok(reads.diskstats > 4 * MiB, `dd read at a measurable rate (${(reads.diskstats / MiB).toFixed(1)} MiB/s)`);
  assert.ok(Math.abs(readRatio - 1) <= 0.2,
    `readBytesPerSec: service ${(reads.service / MiB).toFixed(2)} MiB/s, /proc/diskstats ${(reads.diskstats / MiB).toFixed(2)} MiB/s`);

  // After dd: what is left is the journal and whatever else shares the disk (other work on a
  // shared machine), far below what dd did.
  const after = await observe(target, new Promise((r) => setTimeout(r, 3000)));
  const settled = after.slice(1).map((o) => o.writeBytesPerSec!);
  assert.ok(settled.length >= 2, 'ticks observed after dd');
  const rest = settled.reduce((a, b) => a + b, 0) / settled.length;
  assert.ok(rest < writes.diskstats * 0.1,
    `writeBytesPerSec after dd: ${(rest / MiB).toFixed(2)} MiB/s, under a tenth of dd's ${(writes.diskstats / MiB).toFixed(2)} MiB/s`);
});

test('the machine-wide line and health come with it: diskIO in /api/stats counts the physical disk, health names the source', async () => {
  if (typeof target === 'string') return;
  const { body } = await getJson(`${service!.url}/api/stats`);
  assert.ok(Object.keys(body).indexOf('diskIO') === Object.keys(body).indexOf('disk') + 1, 'diskIO right after disk');
  assert.type(body.diskIO.writtenBytes, 'number');
  const disk = body.disk.find((d: any) => d.mountpoint === target.mountpoint);
  // A partition or dm device is part of one physical disk: the machine-wide total is never below it.
  assert.ok(body.diskIO.writtenBytes >= disk.writtenBytes, `machine-wide ${body.diskIO.writtenBytes} >= ${target.deviceLine} ${disk.writtenBytes}`);
  const health = (await getJson(`${service!.url}/api/health`)).body;
  assert.is(health.collectors.disk.state, 'ok');
  assert.is(health.collectors.disk.source, 'procfs');
});

test.run();
