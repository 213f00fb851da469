import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderMetrics } from '../../lib/metrics/render.js';
import type { ProcessInfo } from '../../lib/metrics/process-info.js';
import type { CollectorHealth, GpuStats, SystemStats, Topic } from '../../lib/types.js';
import { TOPICS } from '../../lib/types.js';
import { fakeCpu, fakeMemory, fakeNetwork } from '../helpers/fake-collectors.js';
import { find, parseSamples, promtoolCheck } from '../helpers/promtool.js';

const NASTY = 'GPU "quoted" back\\slash\nsecond line Ünïcode';

const gpu = (over: Partial<GpuStats>): GpuStats => ({
  name: 'NVIDIA GeForce RTX 4090', usage: 85, memory: { total: 25757220864, used: 12884901888, free: 12872318976, usedPercent: 50 },
  temperature: 72, fanSpeed: 0, powerDraw: 350.5, clockCore: 1920, clockMemory: 10501,
  memoryTotal: 25757220864, memoryUsed: 12884901888, memoryFree: 12872318976, memoryPercent: 50,
  vendor: 'nvidia', index: 0, uuid: 'GPU-1', pciBusId: '00000000:01:00.0', driverVersion: '595.71.05', powerLimit: 450,
  memoryUtilization: 40, encoderUtilization: 0, decoderUtilization: null,
  processes: [{ pid: 4242, name: 'python3', usedMemory: 8589934592 }, { pid: 4243, name: 'Xorg', usedMemory: null }],
  powerState: null,
  ...over,
});

/** A GPU the OS lists but no tool reads (the systeminformation fallback): name only. */
const unread = gpu({
  name: NASTY, vendor: 'other', index: null, uuid: null, pciBusId: null, driverVersion: null, usage: null,
  memory: { total: null, used: null, free: null, usedPercent: null }, memoryTotal: null, memoryUsed: null, memoryFree: null, memoryPercent: null,
  temperature: null, fanSpeed: null, powerDraw: null, clockCore: null, clockMemory: null, powerLimit: null,
  memoryUtilization: null, encoderUtilization: null, decoderUtilization: null, processes: null,
});

/** An Intel GPU asleep (runtime-suspended) whose process list came from DRM fdinfo, with busy %. */
const asleep = gpu({
  name: 'Intel Arc B580', vendor: 'intel', index: 2, uuid: null, fanSpeed: null, powerState: 'suspended',
  processes: [{ pid: 5100, name: 'llama-server', usedMemory: 24567808, usage: 42.5 }],
});

const stats: SystemStats = {
  cpu: { ...fakeCpu(12.34), frequency: 0, temperature: null },
  memory: fakeMemory(250),
  gpu: [gpu({}), unread, asleep],
  disk: [{ device: '/dev/sdb1', mountpoint: '/media/me/My "Disk" \\ 2', fstype: 'exfat', total: 1000, free: 400, used: 600, usedPercent: 60,
    readBytesPerSec: 2048, writeBytesPerSec: 0, readsPerSec: 4, writesPerSec: 0, busyPercent: 1.5, readBytes: 1_048_576, writtenBytes: 524_288,
    reads: 256, writes: 128, ioTime: 12.5 },
    { device: 'server:/export', mountpoint: '/mnt/nas', fstype: 'nfs4', total: 1000, free: 400, used: 600, usedPercent: 60,
      readBytesPerSec: null, writeBytesPerSec: null, readsPerSec: null, writesPerSec: null, busyPercent: null, readBytes: null, writtenBytes: null,
      reads: null, writes: null, ioTime: null }],
  diskIO: { readBytesPerSec: 2048, writeBytesPerSec: 0, readBytes: 2_097_152, writtenBytes: 1_048_576 },
  network: { ...fakeNetwork(5), interfaces: [{ name: 'wlan0', bytesSent: 10, bytesRecv: 20, packetsSent: 1, packetsRecv: 2, bytesSentPerSec: 0, bytesRecvPerSec: 0 }] },
  processes: [{ pid: 77, name: 'ollama', cpu: 250.5, memory: 3.2, status: 'running', rss: 1048576 }],
  uptime: 86400.5,
  timestamp: '2026-11-26T01:00:00.000Z',
};

const health = Object.fromEntries(TOPICS.map((t): [Topic, CollectorHealth] => [t, { state: 'ok', activations: 1, lastOk: '2026-11-26T01:00:00.000Z', lastDurationMs: 12, source: 'procfs' }])) as Record<Topic, CollectorHealth>;
health.gpu = { state: 'error', reason: 'nvidia-smi: cannot talk to the NVIDIA driver', activations: 2, source: 'nvidia-smi' };
health.disk = { state: 'idle', activations: 0 };

const proc: ProcessInfo = { cpuSeconds: 1.25, residentMemoryBytes: 50e6, virtualMemoryBytes: null, startTimeSeconds: 1795650000.5, openFds: 20, maxFds: null };
const text = renderMetrics(stats, health, proc, { version: '1.2.3', webSocketClients: 2 });
const samples = parseSamples(text);
const values = (name: string, where: Record<string, string> = {}) => find(samples, name, where).map((s) => s.value);

test('promtool accepts it: HELP and TYPE everywhere, names and units as Prometheus wants, escaping right', () => {
  const lint = promtoolCheck(text);
  assert.is(lint.output, '');
  assert.is(lint.code, 0);
});

test('percentages become ratios 0-1, MHz become hertz', () => {
  assert.equal(values('widgets_cpu_usage_ratio'), [0.1234]);
  assert.equal(values('widgets_cpu_core_usage_ratio', { cpu: '3' }), [0.1234]);
  assert.equal(values('widgets_gpu_utilization_ratio', { gpu: '0' }), [0.85]);
  assert.equal(values('widgets_gpu_core_clock_hertz', { gpu: '0' }), [1.92e9]);
  assert.equal(values('widgets_gpu_memory_clock_hertz', { gpu: '0' }), [10.501e9]);
  assert.equal(values('widgets_process_cpu_usage_ratio', { name: 'ollama' }), [2.505], 'two and a half cores');
});

test('null is an absent sample, never 0; a real 0 stays 0', () => {
  assert.equal(values('widgets_cpu_temperature_celsius'), []);
  assert.equal(values('widgets_cpu_frequency_hertz'), [], 'the JSON\'s "0 when unknown" MHz is absent too');
  assert.equal(values('widgets_gpu_decoder_utilization_ratio'), []);
  assert.equal(values('widgets_gpu_fan_speed_ratio'), [0], 'a stopped fan is a real 0 (only the first GPU has a reading)');
  assert.equal(values('widgets_gpu_process_memory_bytes', { name: 'Xorg' }), [], 'memory the driver will not tell');
  assert.equal(values('widgets_gpu_process_memory_bytes', { name: 'python3', gpu: '0', uuid: 'GPU-1', vendor: 'nvidia' }), [8589934592]);
  assert.equal(values('process_virtual_memory_bytes'), []);
  assert.equal(values('process_max_fds'), []);
  assert.equal(values('widgets_collector_duration_seconds', { collector: 'disk' }), []);
});

test('power state: 1 while suspended, absent where the platform does not say; per-process busy % where fdinfo gives it', () => {
  assert.equal(values('widgets_gpu_suspended', { gpu: '2', vendor: 'intel' }), [1]);
  assert.equal(values('widgets_gpu_suspended', { gpu: '0' }), []);
  assert.equal(values('widgets_gpu_process_utilization_ratio', { name: 'llama-server', gpu: '2' }), [0.425], 'per process name by default');
  assert.equal(values('widgets_gpu_process_utilization_ratio', { name: 'python3', vendor: 'nvidia' }), [], 'NVIDIA lists no per-process busy %');
});

test('a GPU with nothing but a name has only its info sample, labelled by its position', () => {
  const info = find(samples, 'widgets_gpu_info', { vendor: 'other' });
  assert.is(info.length, 1);
  assert.equal(info[0]!.labels, { gpu: '1', name: NASTY, vendor: 'other' }, 'the name comes back unchanged; empty labels are left out');
  assert.ok(text.includes('name="GPU \\"quoted\\" back\\\\slash\\nsecond line Ünïcode"'), 'escaped in the text');
  const others = samples.filter((s) => s.name.startsWith('widgets_gpu_') && s.name !== 'widgets_gpu_info' && s.labels.gpu === '1');
  assert.equal(others, []);
});

test('disks, interfaces and counters', () => {
  assert.equal(values('widgets_disk_free_bytes', { device: '/dev/sdb1', mountpoint: '/media/me/My "Disk" \\ 2', fstype: 'exfat' }), [400]);
  assert.equal(values('widgets_network_receive_bytes_total', { interface: 'wlan0' }), [20]);
  assert.equal(values('widgets_network_transmit_packets_total', { interface: 'wlan0' }), [1]);
  assert.match(text, /# TYPE widgets_network_receive_bytes_total counter/);
  assert.match(text, /# TYPE widgets_collector_activations_total counter/);
  assert.match(text, /# TYPE process_cpu_seconds_total counter/);
  assert.equal(values('widgets_memory_size_bytes'), [1000]);
  assert.equal(values('widgets_system_uptime_seconds'), [86400.5]);
});

test('disk I/O: counters with device and mountpoint labels, no rates; a filesystem without I/O figures has no sample', () => {
  const disk = { device: '/dev/sdb1', mountpoint: '/media/me/My "Disk" \\ 2' };
  assert.equal(values('widgets_disk_read_bytes_total', disk), [1_048_576]);
  assert.equal(values('widgets_disk_written_bytes_total', disk), [524_288]);
  assert.equal(values('widgets_disk_reads_completed_total', disk), [256]);
  assert.equal(values('widgets_disk_writes_completed_total', disk), [128]);
  assert.equal(values('widgets_disk_io_time_seconds_total', disk), [12.5]);
  assert.equal(values('widgets_disk_written_bytes_total', { mountpoint: '/mnt/nas' }), [], 'nfs: null, so absent');
  assert.equal(values('widgets_disk_physical_read_bytes_total'), [2_097_152]);
  assert.equal(values('widgets_disk_physical_written_bytes_total'), [1_048_576]);
  assert.not.match(text, /widgets_disk_\w*(per_sec|rate|busy)/, 'no rates or busy ratios: Prometheus computes them from the counters');
});

test('collector health: up is 1 only for ok, durations in seconds, last success in Unix seconds', () => {
  assert.equal(values('widgets_collector_up', { collector: 'cpu' }), [1]);
  assert.equal(values('widgets_collector_up', { collector: 'gpu' }), [0]);
  assert.equal(values('widgets_collector_up', { collector: 'disk' }), [0], 'idle: no reading to vouch for');
  assert.equal(values('widgets_collector_duration_seconds', { collector: 'cpu' }), [0.012]);
  assert.equal(values('widgets_collector_last_success_timestamp_seconds', { collector: 'cpu' }), [Date.parse('2026-11-26T01:00:00.000Z') / 1000]);
  assert.equal(values('widgets_collector_activations_total', { collector: 'gpu' }), [2]);
  assert.equal(values('widgets_collector_info', { collector: 'gpu', source: 'nvidia-smi' }), [1]);
  assert.equal(values('widgets_build_info', { version: '1.2.3' }), [1]);
  assert.equal(values('widgets_websocket_clients'), [2]);
});

// Four vLLM workers and a notebook kernel: what a fleet sees by default is one series per name.
const workers = [101, 102, 103, 104].map((pid, i) => ({ pid, name: 'python3', cpu: 100 + i * 10.25, memory: 1, status: 'running', rss: 1e9 + i }));
const fleet: SystemStats = {
  ...stats,
  gpu: [gpu({ processes: [
    { pid: 101, name: 'python3', usedMemory: 4e9 }, { pid: 102, name: 'python3', usedMemory: 5e9 },
    { pid: 103, name: 'python3', usedMemory: null }, { pid: 900, name: 'Xorg', usedMemory: null },
  ] })],
  processes: [...workers.slice(0, 2), { pid: 7, name: 'jupyter-lab', cpu: 3, memory: 1, status: 'sleep', rss: 5e8 }],
};

test('per process name by default: CPU and memory summed over every AI/ML process of that name, with their count, no pid', () => {
  // aiProcesses are all of them; stats.processes (the top N) lists only two of the four workers.
  const all = [...workers, fleet.processes[2]!];
  const byName = parseSamples(renderMetrics(fleet, health, proc, { version: '1', webSocketClients: 0 }, { aiProcesses: all }));
  const v = (name: string, where: Record<string, string> = {}) => find(byName, name, where).map((s) => s.value);
  assert.equal(v('widgets_process_cpu_usage_ratio', { name: 'python3' }), [(100 + 110.25 + 120.5 + 130.75) / 100]);
  assert.equal(v('widgets_process_resident_memory_bytes', { name: 'python3' }), [4e9 + 6]);
  assert.equal(v('widgets_processes', { name: 'python3' }), [4]);
  assert.equal(v('widgets_processes', { name: 'jupyter-lab' }), [1]);
  assert.equal(v('widgets_gpu_process_memory_bytes', { name: 'python3', gpu: '0' }), [9e9], 'the processes the driver gives a figure for');
  assert.equal(v('widgets_gpu_process_memory_bytes', { name: 'Xorg' }), [], 'none known: absent, not 0');
  assert.equal(byName.filter((s) => 'pid' in s.labels), [], 'no pid label anywhere');
  // Without aiProcesses (a library caller with only a stats message) the listed ones are summed.
  const listed = parseSamples(renderMetrics(fleet, health, proc, { version: '1', webSocketClients: 0 }));
  assert.equal(find(listed, 'widgets_processes', { name: 'python3' }).map((s) => s.value), [2]);
});

test('perPid: one series per listed process with pid and name, no count; promtool-clean either way', () => {
  const text = renderMetrics(fleet, health, proc, { version: '1', webSocketClients: 0 }, { perPid: true, aiProcesses: workers });
  const perPid = parseSamples(text);
  const v = (name: string, where: Record<string, string> = {}) => find(perPid, name, where).map((s) => s.value);
  assert.equal(v('widgets_process_cpu_usage_ratio').length, 3, 'the listed processes, not aiProcesses');
  assert.equal(v('widgets_process_cpu_usage_ratio', { pid: '102', name: 'python3' }), [1.1025]);
  assert.equal(v('widgets_process_resident_memory_bytes', { pid: '7', name: 'jupyter-lab' }), [5e8]);
  assert.equal(v('widgets_processes'), []);
  assert.equal(v('widgets_gpu_process_memory_bytes', { pid: '102', name: 'python3', gpu: '0' }), [5e9]);
  for (const t of [text, renderMetrics(fleet, health, proc, { version: '1', webSocketClients: 0 }, { aiProcesses: workers })]) {
    const lint = promtoolCheck(t);
    assert.is(lint.output, '');
  }
});

test('every family has HELP and TYPE, once, right before its samples', () => {
  const names = new Set(samples.map((s) => s.name));
  for (const name of names) {
    assert.is(text.split(`# HELP ${name} `).length, 2, `one HELP for ${name}`);
    assert.ok(text.includes(`# TYPE ${name} gauge\n${name}`) || text.includes(`# TYPE ${name} counter\n${name}`), name);
    if (name.endsWith('_total')) assert.ok(text.includes(`# TYPE ${name} counter`), `${name} is a counter`);
    else assert.ok(text.includes(`# TYPE ${name} gauge`), `${name} is a gauge`);
    assert.ok(name.startsWith('widgets_') || name.startsWith('process_'), name);
  }
});

test.run();
