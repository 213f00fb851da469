// The one source of payload types: what the REST API, the WebSocket stream and the library emit.
// Field names and units follow the original service's contract (seed README + what it really sent).
// Units: bytes, percent 0–100, MHz, °C, W, seconds; `null` means "the machine cannot tell".

export interface CpuStats {
  /** Whole-machine busy %, 0–100, over the last interval. */
  usage: number;
  /** Logical cores. */
  cores: number;
  /** Current average frequency in MHz (0 when the platform does not say). */
  frequency: number;
  /** Package temperature in °C, `null` when there is no sensor. */
  temperature: number | null;
  /** Extras. */
  model: string;
  physicalCores: number;
  perCore: number[];
  /** 1, 5 and 15 minutes; `null` on Windows, which has no load average (Node's os.loadavg() says 0 there). */
  loadAverage: [number, number, number] | null;
}

export interface SwapStats {
  total: number;
  used: number;
  usedPercent: number;
}

export interface MemoryStats {
  total: number;
  available: number;
  used: number;
  usedPercent: number;
  swap: SwapStats;
  /** Extras. */
  free: number;
  cached: number;
  buffers: number;
}

export interface GpuMemory {
  total: number | null;
  used: number | null;
  free: number | null;
  usedPercent: number | null;
}

export interface GpuProcess {
  pid: number;
  name: string;
  /** Bytes of GPU memory the process holds, `null` when the driver will not say. */
  usedMemory: number | null;
  /** Busy % of the GPU's busiest engine class from this process over the last interval (DRM fdinfo: AMD, Intel); absent for NVIDIA, null on the first reading. */
  usage?: number | null;
}

/** Runtime power state of a PCI GPU: `suspended` (asleep: not queried, readings from before), `active`, or null when the platform does not say. */
export type GpuPowerState = 'suspended' | 'active' | null;

export type GpuVendor = 'nvidia' | 'amd' | 'intel' | 'apple' | 'other';

export interface GpuStats {
  name: string;
  usage: number | null;
  memory: GpuMemory;
  temperature: number | null;
  fanSpeed: number | null;
  powerDraw: number | null;
  clockCore: number | null;
  clockMemory: number | null;
  /** Flat memory fields: what the original service really sent and the ClaraVerse widget reads. */
  memoryTotal: number | null;
  memoryUsed: number | null;
  memoryFree: number | null;
  memoryPercent: number | null;
  /** Extras. */
  vendor: GpuVendor;
  index: number | null;
  uuid: string | null;
  pciBusId: string | null;
  driverVersion: string | null;
  powerLimit: number | null;
  memoryUtilization: number | null;
  encoderUtilization: number | null;
  decoderUtilization: number | null;
  /** Processes using this GPU; `null` when the back-end cannot list them or has not yet. */
  processes: GpuProcess[] | null;
  /** Linux runtime PM: while `suspended` the GPU is not queried (that would wake it); usage is 0 and power and clocks null. */
  powerState: GpuPowerState;
}

/** A filesystem's identity and sizes: what every platform's disk list gives before any I/O figure. */
export interface DiskSizes {
  device: string;
  mountpoint: string;
  fstype: string;
  total: number;
  free: number;
  used: number;
  usedPercent: number;
}

export interface DiskStats extends DiskSizes {
  /**
   * Extras: I/O of the block device behind this filesystem, per second over the last interval (a
   * first reading measures over the 250 ms prime). null on a reading with no earlier one to compare
   * to, after a counter went backwards, or where the platform cannot say (macOS: always; network
   * and memory filesystems). Bind mounts of one device carry the same figures.
   */
  readBytesPerSec: number | null;
  writeBytesPerSec: number | null;
  /** Read and write requests completed per second. */
  readsPerSec: number | null;
  writesPerSec: number | null;
  /** Share of the interval the device had I/O in flight, 0–100. */
  busyPercent: number | null;
  /** Cumulative since boot (for /metrics and clients that compute their own rates); null where unknown. */
  readBytes: number | null;
  writtenBytes: number | null;
  /** Read and write requests completed, cumulative. */
  reads: number | null;
  writes: number | null;
  /** Seconds the device had I/O in flight, cumulative. */
  ioTime: number | null;
}

/**
 * Machine-wide disk I/O over the physical disks (each disk once: no partitions, no device-mapper,
 * md RAID, loop or zram device on top of it), beside `disk` in the stats object. Rates as in
 * DiskStats; every field null where the platform cannot say.
 */
export interface DiskIoTotals {
  readBytesPerSec: number | null;
  writeBytesPerSec: number | null;
  /** Cumulative since boot. */
  readBytes: number | null;
  writtenBytes: number | null;
}

/** Cumulative counters since boot. */
export interface NetworkCounters {
  bytesSent: number;
  bytesRecv: number;
  packetsSent: number;
  packetsRecv: number;
}

/** The counters summed over all interfaces (loopback included), as the original sent. */
export interface NetworkStats extends NetworkCounters {
  /**
   * Extras: per-second rates over the last interval (a first reading measures over the 250 ms
   * prime); null when no rate can be known yet, never a made-up 0.
   */
  bytesSentPerSec: number | null;
  bytesRecvPerSec: number | null;
  packetsSentPerSec: number | null;
  packetsRecvPerSec: number | null;
  interfaces: NetworkInterfaceStats[];
}

export interface NetworkInterfaceStats extends NetworkCounters {
  name: string;
  /** null for an interface's first reading, or after its counter went backwards. */
  bytesSentPerSec: number | null;
  bytesRecvPerSec: number | null;
}

export interface ProcessStats {
  pid: number;
  name: string;
  /** CPU % over the last interval, like `top` (100 = one full core). */
  cpu: number;
  /** RSS as % of RAM. */
  memory: number;
  /** A word: running, sleep, idle, stop, zombie, … (empty on Windows). */
  status: string;
  /** Extras. */
  rss: number;
  /** Full command line, only when the monitor is asked to expose it. */
  command?: string;
}

/** Every topic's payload, plus when and since when. */
export interface SystemStats extends TopicPayloads, DiskIoSibling {
  /** Seconds since boot. */
  uptime: number;
  /**
   * ISO-8601 UTC.
   * @format date-time
   */
  timestamp: string;
}

export type Topic = 'cpu' | 'memory' | 'gpu' | 'disk' | 'network' | 'processes';
export const TOPICS: readonly Topic[] = ['cpu', 'memory', 'gpu', 'disk', 'network', 'processes'];

/** Sent beside `disk` wherever the disk topic is (the full stats object, WebSocket messages, history rows). */
export interface DiskIoSibling {
  diskIO: DiskIoTotals;
}

export interface TopicPayloads {
  cpu: CpuStats;
  memory: MemoryStats;
  gpu: GpuStats[];
  disk: DiskStats[];
  network: NetworkStats;
  processes: ProcessStats[];
}

export type CollectorState = 'idle' | 'ok' | 'error';

export interface CollectorHealth {
  state: CollectorState;
  /** One line saying why, when state is 'error'. */
  reason?: string;
  /**
   * ISO time of the last good sample.
   * @format date-time
   */
  lastOk?: string;
  /** How long the last sample took, ms. */
  lastDurationMs?: number;
  /** Which back-end answered (e.g. 'nvidia-smi loop', 'procfs'). */
  source?: string;
  /** Parts the last good reading left out, each with why (e.g. a /proc/diskstats line too short to read). */
  skipped?: string[];
  /** How many times collection was started since the service started (each start after idle counts). */
  activations: number;
}

export interface HealthResponse {
  status: 'healthy';
  service: 'widgets-service';
  version: string;
  activeConnections: number;
  /** @format date-time */
  timestamp: string;
  uptime: number;
  collectors: Record<Topic, CollectorHealth>;
}

/** A stats message for chosen topics (WebSocket `topics`/`subscribe`): those parts, plus uptime and timestamp. */
export type StatsSelection = Partial<TopicPayloads> & Partial<DiskIoSibling> & Pick<SystemStats, 'uptime' | 'timestamp'>;

/** The body of every error response (REST, and refused WebSocket upgrades). */
export interface ErrorResponse {
  /** One line saying what was wrong and, where it helps, how to fix it. */
  error: string;
  /** The HTTP status code, repeated. */
  status: number;
}

/** /ws/stats, client to service: choose topics and/or pace. What is left out is kept. */
export interface WsSubscribeMessage {
  /** Topics, or "all" (also "*") for every topic. */
  subscribe?: Topic[] | 'all' | '*';
  /** Milliseconds between messages (clamped to 500–60000), or null for the collectors' pace. */
  interval?: number | null;
  /** Send the recent history first: true for everything kept, or an ISO time for only what came after it. */
  history?: boolean | string;
}

/** /ws/stats, service to client: the answer to a subscribe message, before the new stream. */
export interface WsSubscribedMessage {
  subscribed: Topic[];
  /** The pace really delivered, ms (never faster than the collectors sample). */
  interval: number;
}

/** /ws/stats, service to client: the last message was refused; the connection stays usable. */
export interface WsErrorMessage {
  error: string;
}

/** One tick of GET /api/history: its time, and each chosen topic's payload as /api/stats has it (`null`: no reading then). */
export type HistorySample = {
  /** @format date-time */
  timestamp: string;
} & { [K in Topic]?: TopicPayloads[K] | null } & { diskIO?: DiskIoTotals | null };

/** GET /api/history: samples of the chosen topics, oldest first. */
export interface HistoryResponse {
  /** The grid the samples are on, ms: the longest interval of the topics asked for. */
  intervalMs: number;
  samples: HistorySample[];
}

/** /ws/stats, service to client: the recent history asked for (`?history=` or a message), before the stream. */
export interface WsHistoryMessage {
  history: HistoryResponse;
}
