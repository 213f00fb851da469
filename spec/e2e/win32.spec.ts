// The Windows collectors end to end on Linux: the built service with `--platform win32`, the
// stand-ins (spec/stand-ins/, powershell.exe replaying real Windows outputs) first on PATH, one
// WebSocket client on every topic, and REST, /metrics and the dashboard read alongside. The
// stand-ins log every start to FAKE_TOOLS_LOG: in all those ticks the service starts exactly one
// process, the agent (0 per tick).
//
// Drive roots: the capture lists C:\ and D:\; on Linux `fs.statfs('C:\\')` is a path relative to
// the service's working directory, so the service runs in a temporary directory holding two
// directories named `C:\` and `D:\` (a backslash is an ordinary character in a Linux file name).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { checkCpu, checkDisk, checkDiskIo, checkGpuList, checkMemory, checkNetwork, checkProcesses, checkStats, STATS_KEYS } from '../helpers/contract.js';
import { CLI, getJson, ROOT, startProcess, type RunningService } from '../helpers/service.js';
import { connect, type TestClient } from '../helpers/ws-client.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { sleep } from '../helpers/wait.js';
import { TOPICS } from '../../lib/types.js';

const STAND_INS = join(ROOT, 'spec', 'stand-ins');
const CAPTURE = JSON.parse(readFileSync(join(STAND_INS, 'captures', 'powershell-exe.json'), 'utf8'));
const INTERVAL_MS = 500;
const TICKS = 8;

interface Ctx { dir: string; log: string; service: RunningService; client: TestClient; diskRoot: { mountpoint: string; statfsPath: string } }
const it = suite<Ctx>('win32 collectors with the stand-ins', {} as Ctx);

it.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(os.tmpdir(), 'widgets-win32-'));
  for (const drive of ['C:\\', 'D:\\']) mkdirSync(join(ctx.dir, drive));
  ctx.diskRoot = { mountpoint: 'C:\\', statfsPath: join(ctx.dir, 'C:\\') };
  ctx.log = join(ctx.dir, 'tools.log');
  // The CPU readings come from this machine's os.cpus(), so the capture's physical core count
  // (14, from a 20-thread laptop) is replaced by this machine's logical count: a composed answer.
  const capture = structuredClone(CAPTURE);
  capture.answers.cpu = [{ physicalCores: os.cpus().length }];
  const captureFile = join(ctx.dir, 'capture.json');
  writeFileSync(captureFile, JSON.stringify(capture));
  ctx.service = await startProcess(process.execPath, [CLI, '--port', '0', '--platform', 'win32', '--interval', `${INTERVAL_MS}ms`], {
    PATH: `${STAND_INS}:${process.env.PATH ?? ''}`,
    FAKE_TOOLS_LOG: ctx.log,
    FAKE_POWERSHELL_EXE_CAPTURE: captureFile,
  }, ctx.dir);
  ctx.client = await connect(`ws://127.0.0.1:${ctx.service.port}/ws/stats`);
  await ctx.client.waitFor((m) => !!m.json?.timestamp, 1, 10_000);
});

it.after(async (ctx) => {
  await ctx.client?.close();
  assert.is(await ctx.service?.stop('SIGTERM'), 0, 'SIGTERM ends it cleanly');
  rmSync(ctx.dir, { recursive: true, force: true });
});

it('every topic answers from the Windows sources, health says which', async ({ service }) => {
  const health = (await getJson(`${service.url}/api/health`)).body;
  const expected: Record<string, string> = {
    cpu: 'os.cpus',
    memory: 'os + powershell agent',
    disk: 'powershell agent + statfs + IOCTL_DISK_PERFORMANCE',
    network: 'powershell agent',
    processes: 'powershell agent',
  };
  for (const topic of TOPICS) {
    assert.is(health.collectors[topic].state, 'ok', `${topic}: ${health.collectors[topic].reason ?? ''}`);
    if (expected[topic]) assert.is(health.collectors[topic].source, expected[topic], `${topic} source`);
  }
});

it('REST: /api/stats and each part hold to the contract, with what the capture says', async ({ service, diskRoot }) => {
  const { status, body } = await getJson(`${service.url}/api/stats`);
  assert.is(status, 200);
  checkStats(body, { processStatus: /^$/, diskRoot });
  assert.is(body.cpu.loadAverage, null, 'Windows has no load average: null, not 0');
  assert.is(body.cpu.temperature, null, 'no temperature without a process or admin rights');
  checkCpu((await getJson(`${service.url}/api/stats/cpu`)).body);
  checkMemory((await getJson(`${service.url}/api/stats/memory`)).body);
  checkGpuList((await getJson(`${service.url}/api/stats/gpu`)).body);
  checkNetwork((await getJson(`${service.url}/api/stats/network`)).body);
  checkProcesses((await getJson(`${service.url}/api/stats/processes`)).body, { status: /^$/ });

  const memory = (await getJson(`${service.url}/api/stats/memory`)).body;
  assert.is(memory.total, os.totalmem(), 'RAM from os.totalmem()');
  assert.is(memory.swap.total, 26198 * 1048576, 'swap: the page file of the capture (26198 MiB)');
  assert.is(memory.swap.used, 3752 * 1048576);

  const disk = (await getJson(`${service.url}/api/stats/disk`)).body;
  assert.equal(disk.map((d: any) => [d.mountpoint, d.fstype]), [['C:\\', 'FAT32'], ['D:\\', 'NTFS']], 'local drives with a file system; not the empty A:\\ or the CD drive');
  checkDisk(disk, diskRoot);
  // Disk I/O from the agent's diskio answer: C: has its volume's counters (gopsutil's real C:
  // reading), D: has no volume entry in the capture, so its I/O fields stay null. The stand-in
  // replays one answer, so nothing moves: rates are 0, not null (two readings, no change).
  const c = disk.find((d: any) => d.mountpoint === 'C:\\');
  assert.equal([c.readBytes, c.writtenBytes, c.reads, c.writes], [9112945664, 5878823936, 257409, 272518]);
  assert.equal([c.readBytesPerSec, c.writeBytesPerSec, c.readsPerSec, c.writesPerSec], [0, 0, 0, 0]);
  assert.equal([c.busyPercent, c.ioTime], [null, null], 'no busy time from DISK_PERFORMANCE: null, not 0');
  const d = disk.find((x: any) => x.mountpoint === 'D:\\');
  assert.equal([d.readBytes, d.readBytesPerSec, d.writeBytesPerSec], [null, null, null]);
  // Machine-wide: the physical disk (PhysicalDrive0) once, not the volumes on it again.
  checkDiskIo(body.diskIO);
  assert.equal(body.diskIO, { readBytesPerSec: 0, writeBytesPerSec: 0, readBytes: 59462397440, writtenBytes: 40137938432 });

  const network = (await getJson(`${service.url}/api/stats/network`)).body;
  assert.equal(network.interfaces.map((i: any) => i.name), ['Ethernet 3', 'Ethernet', 'vEthernet (WSL)', 'Wi-Fi']);
  assert.is(network.bytesRecv, 137032651 + 548825411);

  const all = (await getJson(`${service.url}/api/stats/processes?scope=all&limit=1000`)).body;
  const explorer = all.find((p: any) => p.pid === 1312);
  assert.equal({ name: explorer.name, rss: explorer.rss, status: explorer.status }, { name: 'explorer', rss: 394268 * 1024, status: '' });
  assert.is(all.length, CAPTURE.answers.processes[0].length, 'the processes the agent could open');
});

it('WebSocket: every message carries every topic, on the interval', async ({ client, diskRoot }) => {
  const from = client.messages.length;
  const got = await client.waitFor((m) => !!m.json?.timestamp, 3, INTERVAL_MS * 8, from);
  for (const m of got) {
    assert.equal(Object.keys(m.json), STATS_KEYS);
    checkStats(m.json, { processStatus: /^$/, diskRoot });
  }
});

it('/metrics is promtool-clean and the dashboard page loads', async ({ service }) => {
  const res = await fetch(`${service.url}/metrics`);
  assert.is(res.status, 200);
  const text = await res.text();
  const lint = promtoolCheck(text);
  assert.is(lint.output, '', lint.output);
  assert.is(lint.code, 0);
  assert.match(text, /widgets_swap_size_bytes 27470594048/);
  assert.match(text, /^widgets_disk_physical_read_bytes_total 59462397440$/m);
  assert.match(text, /^widgets_disk_physical_written_bytes_total 40137938432$/m);
  assert.match(text, /^widgets_disk_read_bytes_total\{device="C:\\\\",mountpoint="C:\\\\"\} 9112945664$/m);
  assert.not.match(text, /^widgets_load1 /m, 'no load average sample on Windows');
  const page = await fetch(`${service.url}/`);
  assert.is(page.status, 200);
  assert.match(await page.text(), /<title>widgets-service<\/title>/);
});

it(`steady state: one process started in all over ${TICKS} ticks (0 per tick)`, async ({ log, client }) => {
  const from = client.stats().length;
  await sleep(INTERVAL_MS * TICKS);
  assert.ok(client.stats().length - from >= TICKS - 2, `ticks went on: ${client.stats().length - from}`);
  const starts = readFileSync(log, 'utf8').trim().split('\n');
  assert.is(starts.length, 1, `FAKE_TOOLS_LOG: ${starts.join(' | ')}`);
  assert.match(starts[0]!, /^powershell\.exe \d+ \[.*"-Command"/);
});

it('the agent ends with the service (stdin closed): nothing left running', async ({ log, service }) => {
  const pid = Number(readFileSync(log, 'utf8').split(' ')[1]);
  assert.ok(isAlive(pid), 'the agent runs while the service does');
  await service.stop('SIGTERM');
  const deadline = Date.now() + 3000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  assert.not.ok(isAlive(pid), 'the agent is gone');
});

it.run();

// A child that prints garbage or exits: the topics it serves show one clear line in /api/health
// and come back when a new child starts (after a backoff); the CPU topic, which does not need the
// child for its readings, never stops.
const FAULTS: [string, Record<string, string>, RegExp][] = [
  ['prints garbage', { FAKE_POWERSHELL_EXE_GARBAGE_AFTER: '6' }, /powershell agent: agent printed something that is not JSON: "Add-Type : Cannot add type/],
  ['exits', { FAKE_POWERSHELL_EXE_EXIT_AFTER: '6' }, /powershell agent: exited with code 3: powershell\.exe stand-in: exiting/],
];
for (const [what, settings, reason] of FAULTS) {
  const bad = suite<{ dir: string; log: string; service: RunningService; client: TestClient }>(`win32: an agent that ${what}`, {} as never);
  bad.before(async (ctx) => {
    ctx.dir = mkdtempSync(join(os.tmpdir(), 'widgets-win32-bad-'));
    ctx.log = join(ctx.dir, 'tools.log');
    ctx.service = await startProcess(process.execPath, [CLI, '--port', '0', '--platform', 'win32', '--interval', `${INTERVAL_MS}ms`], {
      PATH: `${STAND_INS}:${process.env.PATH ?? ''}`,
      FAKE_TOOLS_LOG: ctx.log,
      ...settings,
    }, ctx.dir);
    ctx.client = await connect(`ws://127.0.0.1:${ctx.service.port}/ws/stats`);
  });
  bad.after(async (ctx) => {
    await ctx.client?.close();
    await ctx.service?.stop('SIGTERM');
    rmSync(ctx.dir, { recursive: true, force: true });
  });
  bad('health names the fault, the CPU topic goes on, and a new child takes over', async ({ service, client, log }) => {
    const reasons = new Set<string>();
    let recovered = false;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const { collectors } = (await getJson(`${service.url}/api/health`)).body;
      assert.is.not(collectors.cpu.state, 'error', `cpu: ${collectors.cpu.reason}`);
      if (collectors.processes.state === 'error') reasons.add(collectors.processes.reason);
      else if (reasons.size > 0 && collectors.processes.state === 'ok') recovered = true;
      if (recovered && readFileSync(log, 'utf8').trim().split('\n').length >= 2) break;
      await sleep(100);
    }
    assert.ok([...reasons].some((r) => reason.test(r)), `a clear reason in /api/health: ${[...reasons].join(' | ')}`);
    assert.ok(recovered, 'processes answered again');
    assert.ok(readFileSync(log, 'utf8').trim().split('\n').length >= 2, 'a new child was started');
    await client.waitFor((m) => !!m.json?.timestamp, 3, INTERVAL_MS * 8, client.messages.length);
    const stats = client.stats().map((m) => m.json);
    assert.ok(stats.every((m) => typeof m.cpu.usage === 'number' && m.cpu.cores === os.cpus().length), 'every message has its CPU reading');
  });
  bad.run();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
