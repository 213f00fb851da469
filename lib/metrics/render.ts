// GET /metrics as a pure function of one stats message, the collectors' health and the service's own
// process: Prometheus names (widgets_ prefix, base units, ratios 0–1, _total for counters), and a
// JSON null is an absent sample, never 0. The README's "Prometheus" section lists every family.
import type { CollectorHealth, GpuStats, ProcessStats, SystemStats, Topic } from '../types.js';
import { TOPICS } from '../types.js';
import { Exposition } from './exposition.js';
import type { ProcessInfo } from './process-info.js';

export interface ServiceInfo {
  version: string;
  /** Live WebSocket clients. */
  webSocketClients: number;
}

/** How /metrics shapes per-process series (README "Prometheus and Grafana"). */
export interface MetricsOptions {
  /**
   * One series per process with a `pid` label (the top AI/ML processes of stats.processes) instead
   * of one per process name. Off by default: a pid changes at every process start, so on a fleet
   * per-pid series pile up in Prometheus' index.
   */
  perPid?: boolean;
}

export interface RenderOptions extends MetricsOptions {
  /**
   * Every AI/ML process now, not only the top N that stats.processes lists: the per-name sums and
   * counts are taken over these when given (the route passes them), else over stats.processes.
   */
  aiProcesses?: readonly ProcessStats[];
}

const MHZ = 1e6;

/** A JSON percentage (0–100, two decimals) as a ratio (0–1); null stays null. */
const ratio = (percent: number | null | undefined) => (percent === null || percent === undefined ? null : percent / 100);

export function renderMetrics(stats: SystemStats, health: Record<Topic, CollectorHealth>, proc: ProcessInfo, service: ServiceInfo, options: RenderOptions = {}): string {
  const perPid = options.perPid === true;
  const out = new Exposition();
  renderCpu(out, stats);
  renderMemory(out, stats);
  renderGpus(out, stats.gpu, perPid);
  renderDisks(out, stats);
  renderNetwork(out, stats);
  if (perPid) renderProcessesPerPid(out, stats.processes);
  else renderProcessesPerName(out, options.aiProcesses ?? stats.processes);
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

function renderGpus(out: Exposition, gpus: GpuStats[], perPid: boolean) {
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
    procMem: out.family('widgets_gpu_process_memory_bytes', 'gauge', perPid
      ? 'GPU memory held by one process, bytes; name is the process name.'
      : 'GPU memory held by the processes of this name on this GPU, bytes (those the driver reports a figure for).'),
    procBusy: out.family('widgets_gpu_process_utilization_ratio', 'gauge', perPid
      ? 'GPU busy time of one process (busiest engine class, from DRM fdinfo: AMD, Intel), 0-1.'
      : 'GPU busy time of the processes of this name on this GPU, summed (busiest engine class each, from DRM fdinfo: AMD, Intel).'),
    suspended: out.family('widgets_gpu_suspended', 'gauge', '1 while the GPU is runtime-suspended (asleep: not queried), 0 while active; absent where the platform does not say.'),
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
    f.suspended.add(labels, g.powerState === null ? null : g.powerState === 'suspended' ? 1 : 0);
    const where = { gpu: labels.gpu, uuid: labels.uuid, vendor: g.vendor };
    if (perPid) {
      for (const p of g.processes ?? []) {
        const procLabels = { ...where, pid: p.pid, name: p.name };
        f.procMem.add(procLabels, p.usedMemory);
        if (p.usage !== undefined) f.procBusy.add(procLabels, ratio(p.usage));
      }
    } else {
      for (const [name, group] of byName(g.processes ?? [])) {
        const known = group.filter((p) => p.usedMemory !== null);
        f.procMem.add({ ...where, name }, known.length === 0 ? null : known.reduce((sum, p) => sum + p.usedMemory!, 0));
        const busy = group.filter((p) => p.usage !== undefined && p.usage !== null);
        if (busy.length > 0) f.procBusy.add({ ...where, name }, ratio(busy.reduce((sum, p) => sum + p.usage!, 0)));
      }
    }
  });
}

function renderDisks(out: Exposition, { disk, diskIO }: SystemStats) {
  const size = out.family('widgets_disk_size_bytes', 'gauge', 'Filesystem size, bytes.');
  const free = out.family('widgets_disk_free_bytes', 'gauge', 'Filesystem space a user may still write, bytes (as df says).');
  const used = out.family('widgets_disk_used_bytes', 'gauge', 'Filesystem space in use, bytes.');
  // I/O as counters only: Prometheus computes the rates (rate(widgets_disk_written_bytes_total[1m])).
  const read = out.family('widgets_disk_read_bytes_total', 'counter', 'Bytes read from the block device behind the filesystem since boot.');
  const written = out.family('widgets_disk_written_bytes_total', 'counter', 'Bytes written to the block device behind the filesystem since boot.');
  const reads = out.family('widgets_disk_reads_completed_total', 'counter', 'Read requests the device completed since boot.');
  const writes = out.family('widgets_disk_writes_completed_total', 'counter', 'Write requests the device completed since boot.');
  const ioTime = out.family('widgets_disk_io_time_seconds_total', 'counter', 'Seconds the device had I/O in flight since boot (its busy time).');
  for (const d of disk) {
    const labels = { device: d.device, mountpoint: d.mountpoint, fstype: d.fstype };
    size.add(labels, d.total);
    free.add(labels, d.free);
    used.add(labels, d.used);
    const io = { device: d.device, mountpoint: d.mountpoint };
    read.add(io, d.readBytes);
    written.add(io, d.writtenBytes);
    reads.add(io, d.reads);
    writes.add(io, d.writes);
    ioTime.add(io, d.ioTime);
  }
  // The machine-wide line: each physical disk once, so it is not the sum of the series above.
  out.family('widgets_disk_physical_read_bytes_total', 'counter', 'Bytes read from all physical disks since boot (partitions, device-mapper, md RAID and loop devices not counted again).')
    .add({}, diskIO?.readBytes ?? null);
  out.family('widgets_disk_physical_written_bytes_total', 'counter', 'Bytes written to all physical disks since boot (partitions, device-mapper, md RAID and loop devices not counted again).')
    .add({}, diskIO?.writtenBytes ?? null);
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

/** Default: one series per process name, summed over its processes, with how many there are (as process-exporter's groups). */
function renderProcessesPerName(out: Exposition, processes: readonly ProcessStats[]) {
  const cpu = out.family('widgets_process_cpu_usage_ratio', 'gauge', 'CPU time of the AI/ML processes of this name over the last interval, summed, in cores (1 = one full core; may exceed 1).');
  const rss = out.family('widgets_process_resident_memory_bytes', 'gauge', 'Resident memory of the AI/ML processes of this name, summed, bytes.');
  const count = out.family('widgets_processes', 'gauge', 'AI/ML processes running with this name.');
  for (const [name, group] of byName(processes)) {
    cpu.add({ name }, ratio(group.reduce((sum, p) => sum + p.cpu, 0)));
    rss.add({ name }, group.reduce((sum, p) => sum + p.rss, 0));
    count.add({ name }, group.length);
  }
}

/** With perPid: one series per listed process (pid and name labels). */
function renderProcessesPerPid(out: Exposition, processes: readonly ProcessStats[]) {
  const cpu = out.family('widgets_process_cpu_usage_ratio', 'gauge', 'CPU time of one AI/ML process over the last interval, in cores (1 = one full core; may exceed 1).');
  const rss = out.family('widgets_process_resident_memory_bytes', 'gauge', 'Resident memory of one AI/ML process, bytes.');
  for (const p of processes) {
    const labels = { pid: p.pid, name: p.name };
    cpu.add(labels, ratio(p.cpu));
    rss.add(labels, p.rss);
  }
}

function byName<P extends { name: string }>(processes: readonly P[]): Map<string, P[]> {
  const groups = new Map<string, P[]>();
  for (const p of processes) {
    const group = groups.get(p.name);
    if (group) group.push(p);
    else groups.set(p.name, [p]);
  }
  return groups;
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
