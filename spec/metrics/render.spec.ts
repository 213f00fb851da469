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
  ...over,
});

/** A GPU the OS lists but no tool reads (the systeminformation fallback): name only. */
const unread = gpu({
  name: NASTY, vendor: 'other', index: null, uuid: null, pciBusId: null, driverVersion: null, usage: null,
  memory: { total: null, used: null, free: null, usedPercent: null }, memoryTotal: null, memoryUsed: null, memoryFree: null, memoryPercent: null,
  temperature: null, fanSpeed: null, powerDraw: null, clockCore: null, clockMemory: null, powerLimit: null,
  memoryUtilization: null, encoderUtilization: null, decoderUtilization: null, processes: null,
});

const stats: SystemStats = {
  cpu: { ...fakeCpu(12.34), frequency: 0, temperature: null },
  memory: fakeMemory(250),
  gpu: [gpu({}), unread],
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
  assert.equal(values('widgets_process_cpu_usage_ratio', { pid: '77', name: 'ollama' }), [2.505], 'two and a half cores');
});

test('null is an absent sample, never 0; a real 0 stays 0', () => {
  assert.equal(values('widgets_cpu_temperature_celsius'), []);
  assert.equal(values('widgets_cpu_frequency_hertz'), [], 'the JSON\'s "0 when unknown" MHz is absent too');
  assert.equal(values('widgets_gpu_decoder_utilization_ratio'), []);
  assert.equal(values('widgets_gpu_fan_speed_ratio'), [0], 'a stopped fan is a real 0 (only the first GPU has a reading)');
  assert.equal(values('widgets_gpu_process_memory_bytes', { pid: '4243' }), [], 'memory the driver will not tell');
  assert.equal(values('widgets_gpu_process_memory_bytes', { pid: '4242', name: 'python3', gpu: '0', uuid: 'GPU-1', vendor: 'nvidia' }), [8589934592]);
  assert.equal(values('process_virtual_memory_bytes'), []);
  assert.equal(values('process_max_fds'), []);
  assert.equal(values('widgets_collector_duration_seconds', { collector: 'disk' }), []);
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
