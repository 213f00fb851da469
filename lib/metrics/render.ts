// GET /metrics as a pure function of one stats message, the collectors' health and the service's own
// process: Prometheus names (widgets_ prefix, base units, ratios 0–1, _total for counters), and a
// JSON null is an absent sample, never 0. The README's "Prometheus" section lists every family.
import type { CollectorHealth, GpuStats, SystemStats, Topic } from '../types.js';
import { TOPICS } from '../types.js';
import { Exposition } from './exposition.js';
import type { ProcessInfo } from './process-info.js';

export interface ServiceInfo {
  version: string;
  /** Live WebSocket clients. */
  webSocketClients: number;
}

const MHZ = 1e6;

/** A JSON percentage (0–100, two decimals) as a ratio (0–1); null stays null. */
const ratio = (percent: number | null | undefined) => (percent === null || percent === undefined ? null : percent / 100);

export function renderMetrics(stats: SystemStats, health: Record<Topic, CollectorHealth>, proc: ProcessInfo, service: ServiceInfo): string {
  const out = new Exposition();
  renderCpu(out, stats);
  renderMemory(out, stats);
  renderGpus(out, stats.gpu);
  renderDisks(out, stats);
  renderNetwork(out, stats);
  renderProcesses(out, stats);
  out.family('widgets_system_uptime_seconds', 'gauge', 'Seconds since the machine booted.').add({}, stats.uptime);
  renderHealth(out, health);
  out.family('widgets_build_info', 'gauge', 'Always 1; the version label says which widgets-service answers.').add({ version: service.version }, 1);
  out.family('widgets_websocket_clients', 'gauge', 'WebSocket clients connected to /ws/stats now.').add({}, service.webSocketClients);
  renderOwnProcess(out, proc);
  return out.render();
}

function renderCpu(out: Exposition, { cpu }: SystemStats) {
  out.family('widgets_cpu_usage_ratio', 'gauge', 'Whole-machine CPU busy time over the last interval, 0-1.').add({}, ratio(cpu.usage));
  const core = out.family('widgets_cpu_core_usage_ratio', 'gauge', 'Busy time of one logical CPU over the last interval, 0-1.');
  cpu.perCore.forEach((usage, i) => core.add({ cpu: i }, ratio(usage)));
  out.family('widgets_cpu_logical_cores', 'gauge', 'Logical CPUs.').add({}, cpu.cores);
  out.family('widgets_cpu_physical_cores', 'gauge', 'Physical CPU cores.').add({}, cpu.physicalCores);
  // The JSON says 0 MHz when the platform does not tell; here that is an absent sample.
  out.family('widgets_cpu_frequency_hertz', 'gauge', 'Current average CPU clock, hertz.').add({}, cpu.frequency > 0 ? cpu.frequency * MHZ : null);
  out.family('widgets_cpu_temperature_celsius', 'gauge', 'CPU package temperature, degrees Celsius (absent without a sensor).').add({}, cpu.temperature);
  const [l1, l5, l15] = cpu.loadAverage ?? [null, null, null];
  out.family('widgets_load1', 'gauge', '1-minute load average.').add({}, l1);
  out.family('widgets_load5', 'gauge', '5-minute load average.').add({}, l5);
  out.family('widgets_load15', 'gauge', '15-minute load average.').add({}, l15);
  out.family('widgets_cpu_info', 'gauge', 'Always 1; the model label names the CPU.').add({ model: cpu.model }, cpu.model ? 1 : null);
}

function renderMemory(out: Exposition, { memory }: SystemStats) {
  out.family('widgets_memory_size_bytes', 'gauge', 'Physical memory, bytes.').add({}, memory.total);
  out.family('widgets_memory_available_bytes', 'gauge', 'Memory available to start new programs without swapping, bytes.').add({}, memory.available);
  out.family('widgets_memory_used_bytes', 'gauge', 'Memory in use (total minus available), bytes.').add({}, memory.used);
  out.family('widgets_memory_free_bytes', 'gauge', 'Memory not used for anything, bytes.').add({}, memory.free);
  out.family('widgets_memory_cached_bytes', 'gauge', 'Page cache, bytes.').add({}, memory.cached);
  out.family('widgets_memory_buffers_bytes', 'gauge', 'Block device buffers, bytes.').add({}, memory.buffers);
  out.family('widgets_swap_size_bytes', 'gauge', 'Swap space, bytes.').add({}, memory.swap.total);
  out.family('widgets_swap_used_bytes', 'gauge', 'Swap space in use, bytes.').add({}, memory.swap.used);
}

function renderGpus(out: Exposition, gpus: GpuStats[]) {
  const f = {
    info: out.family('widgets_gpu_info', 'gauge', 'Always 1, per GPU; labels give its PCI bus id and driver version.'),
    usage: out.family('widgets_gpu_utilization_ratio', 'gauge', 'GPU busy time, 0-1.'),
    memSize: out.family('widgets_gpu_memory_size_bytes', 'gauge', 'GPU memory the driver reports, bytes.'),
    memUsed: out.family('widgets_gpu_memory_used_bytes', 'gauge', 'GPU memory in use, bytes.'),
    memFree: out.family('widgets_gpu_memory_free_bytes', 'gauge', 'GPU memory free, bytes (not always size minus used: drivers may reserve some).'),
    memBusy: out.family('widgets_gpu_memory_utilization_ratio', 'gauge', 'Time the GPU memory controller was busy, 0-1.'),
    encoder: out.family('widgets_gpu_encoder_utilization_ratio', 'gauge', 'Video encoder busy time, 0-1.'),
    decoder: out.family('widgets_gpu_decoder_utilization_ratio', 'gauge', 'Video decoder busy time, 0-1.'),
    temp: out.family('widgets_gpu_temperature_celsius', 'gauge', 'GPU temperature, degrees Celsius.'),
    fan: out.family('widgets_gpu_fan_speed_ratio', 'gauge', 'Fan speed as a fraction of its maximum, 0-1.'),
    power: out.family('widgets_gpu_power_draw_watts', 'gauge', 'Power draw, watts.'),
    powerLimit: out.family('widgets_gpu_power_limit_watts', 'gauge', 'Power limit, watts.'),
    clockCore: out.family('widgets_gpu_core_clock_hertz', 'gauge', 'Graphics (core) clock, hertz.'),
    clockMem: out.family('widgets_gpu_memory_clock_hertz', 'gauge', 'Memory clock, hertz.'),
    procMem: out.family('widgets_gpu_process_memory_bytes', 'gauge', 'GPU memory held by one process, bytes; name is the process name.'),
  };
  gpus.forEach((g, position) => {
    const labels = { gpu: g.index ?? position, uuid: g.uuid ?? '', name: g.name, vendor: g.vendor };
    f.info.add({ ...labels, pci_bus_id: g.pciBusId ?? '', driver_version: g.driverVersion ?? '' }, 1);
    f.usage.add(labels, ratio(g.usage));
    f.memSize.add(labels, g.memory.total);
    f.memUsed.add(labels, g.memory.used);
    f.memFree.add(labels, g.memory.free);
    f.memBusy.add(labels, ratio(g.memoryUtilization));
    f.encoder.add(labels, ratio(g.encoderUtilization));
    f.decoder.add(labels, ratio(g.decoderUtilization));
    f.temp.add(labels, g.temperature);
    f.fan.add(labels, ratio(g.fanSpeed));
    f.power.add(labels, g.powerDraw);
    f.powerLimit.add(labels, g.powerLimit);
    f.clockCore.add(labels, g.clockCore === null ? null : g.clockCore * MHZ);
    f.clockMem.add(labels, g.clockMemory === null ? null : g.clockMemory * MHZ);
    for (const p of g.processes ?? []) {
      f.procMem.add({ gpu: labels.gpu, uuid: labels.uuid, vendor: g.vendor, pid: p.pid, name: p.name }, p.usedMemory);
    }
  });
}

function renderDisks(out: Exposition, { disk }: SystemStats) {
  const size = out.family('widgets_disk_size_bytes', 'gauge', 'Filesystem size, bytes.');
  const free = out.family('widgets_disk_free_bytes', 'gauge', 'Filesystem space a user may still write, bytes (as df says).');
  const used = out.family('widgets_disk_used_bytes', 'gauge', 'Filesystem space in use, bytes.');
  for (const d of disk) {
    const labels = { device: d.device, mountpoint: d.mountpoint, fstype: d.fstype };
    size.add(labels, d.total);
    free.add(labels, d.free);
    used.add(labels, d.used);
  }
}

function renderNetwork(out: Exposition, { network }: SystemStats) {
  const rx = out.family('widgets_network_receive_bytes_total', 'counter', 'Bytes received by the interface since boot.');
  const tx = out.family('widgets_network_transmit_bytes_total', 'counter', 'Bytes sent by the interface since boot.');
  const rxp = out.family('widgets_network_receive_packets_total', 'counter', 'Packets received by the interface since boot.');
  const txp = out.family('widgets_network_transmit_packets_total', 'counter', 'Packets sent by the interface since boot.');
  for (const i of network.interfaces) {
    const labels = { interface: i.name };
    rx.add(labels, i.bytesRecv);
    tx.add(labels, i.bytesSent);
    rxp.add(labels, i.packetsRecv);
    txp.add(labels, i.packetsSent);
  }
}

function renderProcesses(out: Exposition, { processes }: SystemStats) {
  const cpu = out.family('widgets_process_cpu_usage_ratio', 'gauge', 'CPU time of one AI/ML process over the last interval, in cores (1 = one full core; may exceed 1).');
  const rss = out.family('widgets_process_resident_memory_bytes', 'gauge', 'Resident memory of one AI/ML process, bytes.');
  for (const p of processes) {
    const labels = { pid: p.pid, name: p.name };
    cpu.add(labels, ratio(p.cpu));
    rss.add(labels, p.rss);
  }
}

function renderHealth(out: Exposition, health: Record<Topic, CollectorHealth>) {
  const up = out.family('widgets_collector_up', 'gauge', '1 when the collector\'s last reading succeeded, else 0 (see /api/health for why).');
  const duration = out.family('widgets_collector_duration_seconds', 'gauge', 'How long the collector\'s last reading took, seconds.');
  const lastOk = out.family('widgets_collector_last_success_timestamp_seconds', 'gauge', 'Unix time of the collector\'s last good reading, seconds.');
  const activations = out.family('widgets_collector_activations_total', 'counter', 'How often the collector was started since the service started (each start after idle counts).');
  const info = out.family('widgets_collector_info', 'gauge', 'Always 1; the source label names the back-end that answered.');
  for (const topic of TOPICS) {
    const h = health[topic];
    const labels = { collector: topic };
    up.add(labels, h.state === 'ok' ? 1 : 0);
    duration.add(labels, h.lastDurationMs === undefined ? null : h.lastDurationMs / 1000);
    lastOk.add(labels, h.lastOk === undefined ? null : Date.parse(h.lastOk) / 1000);
    activations.add(labels, h.activations);
    if (h.source) info.add({ collector: topic, source: h.source }, 1);
  }
}

/** The names every Prometheus client library uses for its own process. */
function renderOwnProcess(out: Exposition, p: ProcessInfo) {
  out.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.').add({}, p.cpuSeconds);
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.').add({}, p.residentMemoryBytes);
  out.family('process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes.').add({}, p.virtualMemoryBytes);
  out.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.').add({}, p.startTimeSeconds);
  out.family('process_open_fds', 'gauge', 'Number of open file descriptors.').add({}, p.openFds);
  out.family('process_max_fds', 'gauge', 'Maximum number of open file descriptors.').add({}, p.maxFds);
}
