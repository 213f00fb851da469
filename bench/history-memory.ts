// The memory the history costs when full, with this machine's real payloads (plus two GPUs shaped
// like the nvidia-smi captures): heap after forced GC with a full history minus without.
// Run: node --expose-gc --import tsx bench/history-memory.ts   (HISTORY_MS, INTERVAL_MS to vary)
import { createHistory, historyCapacity } from '../lib/history/history.js';
import { createMonitor } from '../lib/monitor.js';
import { TOPICS, type GpuStats, type TopicPayloads } from '../lib/types.js';

const HISTORY_MS = Number(process.env.HISTORY_MS ?? 600_000);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 2000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const monitor = createMonitor({ intervalMs: INTERVAL_MS, lingerMs: 0, gpu: { vendor: 'off' } });
const stats = await monitor.snapshot();
monitor.close();
const gpu: GpuStats = {
  name: 'NVIDIA GeForce RTX 4080 SUPER', usage: 7, memory: { total: 17171480576, used: 1545601024, free: 15172894720, usedPercent: 9 },
  temperature: 46, fanSpeed: 0, powerDraw: 84.24, clockCore: 2805, clockMemory: 11251, memoryTotal: 17171480576,
  memoryUsed: 1545601024, memoryFree: 15172894720, memoryPercent: 9, vendor: 'nvidia', index: 0,
  uuid: 'GPU-00000000-0000-0000-0000-000000000000', pciBusId: '00000000:01:00.0', driverVersion: '595.71.05', powerLimit: 320,
  memoryUtilization: 2, encoderUtilization: 72, decoderUtilization: 0,
  processes: [{ pid: 5022, name: 'ffmpeg', usedMemory: 527433728 }, { pid: 5021, name: 'ffmpeg', usedMemory: 377487360 }],
  powerState: 'active',
};
const payloads: TopicPayloads = { ...stats, gpu: [gpu, { ...gpu, index: 1 }] };

const intervals = Object.fromEntries(TOPICS.map((t) => [t, INTERVAL_MS])) as Record<(typeof TOPICS)[number], number>;
const heap = () => { gc!(); gc!(); return process.memoryUsage().heapUsed; };
const before = heap();
const history = createHistory(HISTORY_MS, intervals);
const ticks = historyCapacity(HISTORY_MS, INTERVAL_MS) * 2; // fill it twice over: the oldest must go
for (let i = 0; i < ticks; i++) {
  // Fresh objects per tick, as the collectors make them.
  for (const t of TOPICS) history.record(t, i * INTERVAL_MS, structuredClone(payloads[t]) as never);
}
const after = heap();
const json = JSON.stringify(history.query());
console.log(JSON.stringify({
  historyMs: HISTORY_MS, intervalMs: INTERVAL_MS, perTopic: history.capacity('cpu'),
  cores: stats.cpu.cores, disks: stats.disk.length, interfaces: stats.network.interfaces.length, aiProcesses: stats.processes.length,
  heapMiB: +((after - before) / 1048576).toFixed(2), historyJsonMiB: +(json.length / 1048576).toFixed(2),
}));
