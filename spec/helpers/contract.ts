// The public contract's shape, units and null rules, asserted on what a running service sent.
// Shared by every end-to-end spec that reads /api/stats (procfs, the systeminformation fallbacks,
// the bundle and the single executable), so they all hold the service to the same rules.
import * as assert from 'uvu/assert';
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';

export const STATS_KEYS = ['cpu', 'memory', 'gpu', 'disk', 'diskIO', 'network', 'processes', 'uptime', 'timestamp'];

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isPercent = (v: unknown): v is number => isNum(v) && v >= 0 && v <= 100;
const isBytes = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
/** Percentages and rates carry at most two decimals. */
const twoDecimals = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;
const near = (value: number, expected: number, fraction: number) => Math.abs(value - expected) <= expected * fraction;

export function checkCpu(cpu: any) {
  assert.ok(isPercent(cpu.usage) && twoDecimals(cpu.usage), `cpu.usage is % with two decimals: ${cpu.usage}`);
  assert.ok(Number.isInteger(cpu.cores) && cpu.cores >= 1, 'cpu.cores');
  assert.is(cpu.cores, os.cpus().length, 'cpu.cores counts logical cores');
  // MHz, not GHz or Hz: 0 when the platform does not say, else a plausible clock.
  assert.ok(isNum(cpu.frequency) && (cpu.frequency === 0 || (cpu.frequency >= 100 && cpu.frequency <= 10_000)), `cpu.frequency in MHz: ${cpu.frequency}`);
  assert.ok(cpu.temperature === null || (isNum(cpu.temperature) && cpu.temperature > 0 && cpu.temperature < 150), `cpu.temperature is °C or null: ${cpu.temperature}`);
  assert.type(cpu.model, 'string');
  assert.ok(Number.isInteger(cpu.physicalCores) && cpu.physicalCores >= 1 && cpu.physicalCores <= cpu.cores, 'cpu.physicalCores');
  assert.ok(Array.isArray(cpu.perCore) && cpu.perCore.length === cpu.cores && cpu.perCore.every(isPercent), 'cpu.perCore: one % per core');
  // null on Windows, which has no load average.
  assert.ok(cpu.loadAverage === null || (Array.isArray(cpu.loadAverage) && cpu.loadAverage.length === 3 && cpu.loadAverage.every((l: unknown) => isNum(l) && l >= 0)), 'cpu.loadAverage');
}

export function checkMemory(m: any) {
  for (const k of ['total', 'available', 'used', 'free', 'cached', 'buffers']) assert.ok(isBytes(m[k]), `memory.${k} in whole bytes: ${m[k]}`);
  assert.ok(near(m.total, os.totalmem(), 0.05), `memory.total in bytes (${m.total} vs os.totalmem() ${os.totalmem()})`);
  assert.ok(m.used <= m.total && m.available <= m.total, 'memory.used and available <= total');
  assert.ok(isPercent(m.usedPercent) && twoDecimals(m.usedPercent));
  assert.ok(Math.abs(m.usedPercent - (m.used / m.total) * 100) < 0.5, 'usedPercent matches used/total');
  assert.ok(isBytes(m.swap.total) && isBytes(m.swap.used) && isPercent(m.swap.usedPercent), 'memory.swap');
  assert.ok(m.swap.used <= m.swap.total, 'swap.used <= swap.total');
}

export function checkGpuList(gpu: any) {
  assert.ok(Array.isArray(gpu), 'gpu is a list, never null');
  const nullableNumbers = ['usage', 'temperature', 'fanSpeed', 'powerDraw', 'clockCore', 'clockMemory', 'memoryTotal', 'memoryUsed', 'memoryFree', 'memoryPercent'];
  for (const g of gpu) {
    assert.type(g.name, 'string');
    assert.ok(g.name.length > 0, 'a listed GPU has a name (no invented placeholder)');
    for (const k of nullableNumbers) assert.ok(g[k] === null || isNum(g[k]), `gpu.${k} is a number or null: ${g[k]}`);
    for (const k of ['total', 'used', 'free', 'usedPercent']) assert.ok(g.memory[k] === null || isNum(g.memory[k]), `gpu.memory.${k}`);
    assert.is(g.memory.total, g.memoryTotal, 'nested and flat memory agree');
    assert.ok(g.memoryPercent === null || isPercent(g.memoryPercent));
  }
}

/** `root`: the entry that must be listed and the path whose statfs it must match (Windows stand-ins: a drive root). */
export function checkDisk(disk: any, root: { mountpoint: string; statfsPath: string } = { mountpoint: '/', statfsPath: '/' }) {
  assert.ok(Array.isArray(disk) && disk.length >= 1, 'at least the root filesystem');
  for (const d of disk) {
    for (const k of ['device', 'mountpoint', 'fstype']) assert.type(d[k], 'string');
    for (const k of ['total', 'free', 'used']) assert.ok(isBytes(d[k]), `disk.${k} in whole bytes: ${d[k]}`);
    assert.ok(d.used <= d.total && d.free <= d.total, 'disk used and free <= total');
    assert.ok(isPercent(d.usedPercent) && twoDecimals(d.usedPercent));
    // I/O: rates per second (two decimals) or null when unknown, never negative; counters whole or null.
    for (const k of ['readBytesPerSec', 'writeBytesPerSec', 'readsPerSec', 'writesPerSec']) {
      assert.ok(d[k] === null || (isNum(d[k]) && d[k] >= 0 && twoDecimals(d[k])), `disk ${d.mountpoint}.${k}: ${d[k]}`);
    }
    assert.ok(d.busyPercent === null || (isPercent(d.busyPercent) && twoDecimals(d.busyPercent)), `disk ${d.mountpoint}.busyPercent: ${d.busyPercent}`);
    for (const k of ['readBytes', 'writtenBytes', 'reads', 'writes']) assert.ok(d[k] === null || isBytes(d[k]), `disk ${d.mountpoint}.${k}: ${d[k]}`);
    assert.ok(d.ioTime === null || (isNum(d.ioTime) && d.ioTime >= 0), `disk ${d.mountpoint}.ioTime: ${d.ioTime}`);
  }
  const listed = disk.find((d: any) => d.mountpoint === root.mountpoint);
  assert.ok(listed, `root filesystem ${root.mountpoint} listed`);
  const s = statfsSync(root.statfsPath);
  assert.ok(near(listed.total, s.blocks * s.bsize, 0.02), `disk total in bytes (${listed.total} vs statfs ${s.blocks * s.bsize})`);
}

/** The machine-wide disk I/O line beside `disk`. */
export function checkDiskIo(io: any) {
  for (const k of ['readBytesPerSec', 'writeBytesPerSec']) assert.ok(io[k] === null || (isNum(io[k]) && io[k] >= 0 && twoDecimals(io[k])), `diskIO.${k}: ${io[k]}`);
  for (const k of ['readBytes', 'writtenBytes']) assert.ok(io[k] === null || isBytes(io[k]), `diskIO.${k}: ${io[k]}`);
}

export function checkNetwork(n: any) {
  for (const k of ['bytesSent', 'bytesRecv', 'packetsSent', 'packetsRecv']) assert.ok(isBytes(n[k]), `network.${k}`);
  // Rates need two readings: a number (per second, two decimals) or null when unknown, never negative.
  for (const k of ['bytesSentPerSec', 'bytesRecvPerSec', 'packetsSentPerSec', 'packetsRecvPerSec']) {
    assert.ok(n[k] === null || (isNum(n[k]) && n[k] >= 0 && twoDecimals(n[k])), `network.${k}: ${n[k]}`);
  }
  assert.ok(Array.isArray(n.interfaces) && n.interfaces.length >= 1, 'network.interfaces lists at least loopback');
  for (const i of n.interfaces) {
    assert.type(i.name, 'string');
    for (const k of ['bytesSent', 'bytesRecv', 'packetsSent', 'packetsRecv']) assert.ok(isBytes(i[k]), `interface ${i.name}.${k}`);
    for (const k of ['bytesSentPerSec', 'bytesRecvPerSec']) assert.ok(i[k] === null || (isNum(i[k]) && i[k] >= 0), `interface ${i.name}.${k}: ${i[k]}`);
  }
  const sum = (k: string) => n.interfaces.reduce((s: number, i: any) => s + i[k], 0);
  assert.is(n.bytesRecv, sum('bytesRecv'), 'bytesRecv is the sum over interfaces');
  assert.is(n.bytesSent, sum('bytesSent'), 'bytesSent is the sum over interfaces');
}

export function checkProcesses(list: any, { status = /^[a-z-]+$/ }: { status?: RegExp } = {}) {
  assert.ok(Array.isArray(list), 'processes is a list, never null');
  for (const p of list) {
    assert.ok(Number.isInteger(p.pid) && p.pid > 0);
    assert.type(p.name, 'string');
    assert.ok(isNum(p.cpu) && p.cpu >= 0 && twoDecimals(p.cpu), `process cpu is % with two decimals: ${p.cpu}`);
    assert.ok(isPercent(p.memory) && twoDecimals(p.memory), `process memory is % with two decimals: ${p.memory}`);
    assert.type(p.status, 'string');
    assert.match(p.status, status, `process status word: ${JSON.stringify(p.status)}`);
    assert.ok(isBytes(p.rss), `process rss in bytes: ${p.rss}`);
    assert.is(p.command, undefined, 'no command lines unless asked for');
  }
}

/** RSS of a live process in bytes, as the kernel counts it. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** The whole /api/stats object: keys in the contract's order, each part, uptime and timestamp (Windows has no process status: `processStatus: /^$/`). */
export function checkStats(body: any, { gpu, processStatus, diskRoot }: { gpu?: unknown[]; processStatus?: RegExp; diskRoot?: { mountpoint: string; statfsPath: string } } = {}) {
  assert.equal(Object.keys(body), STATS_KEYS);
  checkCpu(body.cpu);
  checkMemory(body.memory);
  checkGpuList(body.gpu);
  if (gpu) assert.equal(body.gpu, gpu);
  checkDisk(body.disk, diskRoot);
  checkDiskIo(body.diskIO);
  checkNetwork(body.network);
  checkProcesses(body.processes, processStatus ? { status: processStatus } : {});
  assert.ok(isNum(body.uptime) && near(body.uptime, os.uptime(), 0.05), `uptime in seconds: ${body.uptime} vs ${os.uptime()}`);
  assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.ok(Math.abs(Date.parse(body.timestamp) - Date.now()) < 10_000, 'timestamp is now, in UTC');
}
