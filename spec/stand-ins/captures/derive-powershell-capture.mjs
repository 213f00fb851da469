#!/usr/bin/env node
// Builds powershell-exe.json, the capture the powershell.exe stand-in replays, from the real
// Windows outputs in spec/fixtures/win32/ (provenance: spec/fixtures/win32/README.md). The JSON
// wrapping is ours (the agent protocol, lib/platform/win32/protocol.ts); the numbers and names
// are the real ones, converted to the units the agent reports. What had to be filled in is
// listed in the README. `node spec/stand-ins/captures/derive-powershell-capture.mjs` rewrites it;
// spec/platform/win32/captures.spec.ts checks the committed file is what this makes.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', '..', 'fixtures', 'win32');
const read = (name) => readFileSync(join(fixtures, name), 'utf8').replace(/\r\n/g, '\n');
/** French-locale decimals ("19,39") as in the capture. */
const decimal = (text) => Number(text.replace(',', '.'));

/** Get-Process's table. A blank CPU(s) is a process the user may not open: the agent skips those too. */
export function processesFromGetProcess(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d,.]+)?\s+(\d+)\s+(\d+)\s+(\S.*?)\s*$/.exec(line);
    if (!m || m[5] === undefined) continue;
    out.push({ pid: Number(m[6]), name: m[8], cpuMs: Math.round(decimal(m[5]) * 1000), workingSet: Number(m[4]) * 1024, startedMs: 0 });
  }
  return out;
}

/** Get-NetAdapterStatistics' table (unicast packets only: that is what it shows). */
export function networkFromGetNetAdapterStatistics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (!m) continue;
    out.push({ name: m[1], bytesRecv: Number(m[2]), bytesSent: Number(m[4]), packetsRecv: Number(m[3]), packetsSent: Number(m[5]) });
  }
  return out;
}

/** The DriveInfo example's "Drive X:\ / Drive type / File system" lines. */
export function drivesFromDriveInfo(text) {
  const out = [];
  for (const line of text.split('\n')) {
    let m;
    if ((m = /^Drive (\S+)$/.exec(line))) out.push({ name: m[1], type: 'Unknown', format: null });
    else if ((m = /^\s+Drive type: (\S+)/.exec(line))) out[out.length - 1].type = m[1];
    else if ((m = /^\s+File system: (\S+)/.exec(line))) out[out.length - 1].format = m[1];
  }
  return out;
}

/** Win32_PageFileUsage: sizes in MiB. */
export function swapFromPageFileUsage(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+\.sys)\s+(\d+)\s+(\d+)/i.exec(line);
    if (m) out.push({ name: m[1], total: Number(m[2]) * 1048576, used: Number(m[3]) * 1048576 });
  }
  return out;
}

/** psutil's per-disk sdiskio (times in ms; psutil reads the same IOCTL_DISK_PERFORMANCE). */
export function diskIoFromPsutil(text) {
  const out = [];
  for (const m of text.matchAll(/'(PhysicalDrive\d+)': sdiskio\(read_count=(\d+), write_count=(\d+), read_bytes=(\d+), write_bytes=(\d+), read_time=(\d+), write_time=(\d+)\)/g)) {
    out.push({
      name: m[1], kind: 'disk', readBytes: Number(m[4]), writtenBytes: Number(m[5]), readTime100ns: Number(m[6]) * 10000, writeTime100ns: Number(m[7]) * 10000,
      reads: Number(m[2]), writes: Number(m[3]),
    });
  }
  return out;
}

/**
 * gopsutil's disk.IOCounters() on Windows: IOCTL_DISK_PERFORMANCE on each fixed drive's volume
 * (\\.\C:), as the agent's "volume" entries. gopsutil prints read/write time in whole seconds
 * (100 ns / 10000 / 1000). Named as DriveInfo names the drive ("C:\\").
 */
export function volumesFromGopsutil(text) {
  const out = [];
  for (const m of text.matchAll(/\{"readCount":(\d+),"mergedReadCount":\d+,"writeCount":(\d+),"mergedWriteCount":\d+,"readBytes":(\d+),"writeBytes":(\d+),"readTime":(\d+),"writeTime":(\d+),[^}]*?"name":"([A-Z]:)"/g)) {
    out.push({
      name: `${m[7]}\\`, kind: 'volume', readBytes: Number(m[3]), writtenBytes: Number(m[4]),
      readTime100ns: Number(m[5]) * 10_000_000, writeTime100ns: Number(m[6]) * 10_000_000, reads: Number(m[1]), writes: Number(m[2]),
    });
  }
  return out;
}

export function physicalCoresFromWin32Processor(text) {
  const m = /\s(\d+)\s+(\d+)\s+(True|False)\s*$/m.exec(text);
  return { physicalCores: m ? Number(m[1]) : null };
}

/** `reg query` of the display class key: DriverDesc and qwMemorySize per adapter subkey. */
export function gpusFromRegQuery(text) {
  const byKey = new Map();
  let key;
  for (const line of text.split('\n')) {
    let m;
    if ((m = /\\(\d{4})$/.exec(line.trim()))) key = m[1];
    else if (key && (m = /^\s+DriverDesc\s+REG_SZ\s+(.+?)\s*$/.exec(line))) byKey.set(key, { key, name: m[1], driverVersion: null, memoryBytes: byKey.get(key)?.memoryBytes ?? null });
    else if (key && (m = /^\s+HardwareInformation\.qwMemorySize\s+REG_QWORD\s+0x([0-9a-f]+)/i.exec(line))) {
      const entry = byKey.get(key) ?? { key, name: '', driverVersion: null, memoryBytes: null };
      entry.memoryBytes = Number.parseInt(m[1], 16);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export function buildCapture() {
  return {
    about: 'Answers of the widgets-service Windows agent, derived from real Windows outputs: see spec/fixtures/win32/README.md',
    answers: {
      processes: [processesFromGetProcess(read('get-process.txt'))],
      network: [networkFromGetNetAdapterStatistics(read('get-netadapterstatistics.txt'))],
      drives: [drivesFromDriveInfo(read('driveinfo.txt'))],
      swap: [swapFromPageFileUsage(read('win32-pagefileusage.txt'))],
      cpu: [physicalCoresFromWin32Processor(read('win32-processor.txt'))],
      diskio: [[...diskIoFromPsutil(read('psutil-disk-io-counters.txt')), ...volumesFromGopsutil(read('gopsutil-disk-iocounters.txt'))]],
      gpus: [gpusFromRegQuery(read('reg-query-display-class.txt'))],
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(join(here, 'powershell-exe.json'), `${JSON.stringify(buildCapture(), null, 1)}\n`);
}
