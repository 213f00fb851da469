// npm run bench: the cost of the service's collection beside a plain systeminformation loop,
// measured in one run on this machine (compare the ratio, not absolute figures), then the
// WebSocket fan-out case. Everything is bounded in time and stops by itself.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forksSinceBoot, median, rssBytes, treeCpuSeconds } from './proc-usage.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INTERVAL_MS = 2000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Result { cpuPercent: number; rssMiB: number; spawnsPerSample: number; machineForksPerSample: number; samples: number }

async function measure(script: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const child = spawn(process.execPath, ['--import', join(root, 'bench', 'workloads', 'count-spawns.mjs'), join(root, 'bench', 'workloads', script)], {
    env: { ...process.env, BENCH_INTERVAL_MS: String(INTERVAL_MS), ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = child.pid!;
  let samples = 0;
  let spawns = 0;
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  child.stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const [kind, count] = line.split(' ');
      if (kind === 'ready') ready();
      if (kind === 'sample') samples++;
      if (count !== undefined) spawns = Number(count);
    }
  });
  await isReady;
  // Skip the first two ticks: start-up (module loading, static facts) is not steady state.
  await sleep(INTERVAL_MS * 2);
  const cpu0 = treeCpuSeconds(pid);
  const forks0 = forksSinceBoot();
  const samples0 = samples;
  const spawns0 = spawns;
  const rss: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    await sleep(500);
    rss.push(rssBytes(pid));
  }
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = treeCpuSeconds(pid) - cpu0;
  const forks = forksSinceBoot() - forks0;
  const taken = samples - samples0;
  child.kill('SIGKILL');
  return {
    cpuPercent: (cpu / elapsed) * 100,
    rssMiB: median(rss) / 2 ** 20,
    spawnsPerSample: (spawns - spawns0) / Math.max(taken, 1),
    machineForksPerSample: forks / Math.max(taken, 1),
    samples: taken,
  };
}

async function idleForks(): Promise<number> {
  const f0 = forksSinceBoot();
  await sleep(SECONDS * 1000);
  return forksSinceBoot() - f0;
}

/**
 * The NVIDIA collector with the nvidia-smi stand-in (a Node script replaying an H100 capture):
 * one long-lived loop-mode child against one spawn per tick (the stand-in refusing loop mode).
 * The stand-in costs more per spawn than the real tool, so the ratio is an upper bound.
 */
async function gpuLoopVersusTick() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gpu-'));
  symlinkSync(join(root, 'spec', 'tools', 'fake-nvidia-smi'), join(dir, 'nvidia-smi'));
  const env = {
    PATH: `${dir}:${process.env.PATH ?? ''}`,
    FAKE_NVIDIA_SMI_CSV: join(root, 'spec', 'fixtures', 'gpu', 'nvidia-smi', 'query-gpu-all-fields-h100-590.48.01-load.csv'),
  };
  const loop: Result[] = [];
  const tick: Result[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      loop.push(await measure('gpu-stream.mjs', env));
      tick.push(await measure('gpu-stream.mjs', { ...env, FAKE_NVIDIA_SMI_NO_LOOP: '1' }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = [summarize('GPU: nvidia-smi loop mode (stand-in)', loop), summarize('GPU: one nvidia-smi per tick (stand-in)', tick)];
  console.table(rows.map((r) => ({
    workload: r.name, 'CPU % of one core (median)': r.cpuPercent.toFixed(2), 'spawns / sample': r.spawnsPerSample.toFixed(2), samples: r.samplesPerRun,
  })));
  return rows;
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

function summarize(name: string, runs: Result[]) {
  return {
    name,
    cpuPercent: median(runs.map((r) => r.cpuPercent)),
    cpuPercentRuns: runs.map((r) => +r.cpuPercent.toFixed(3)),
    rssMiB: median(runs.map((r) => r.rssMiB)),
    spawnsPerSample: median(runs.map((r) => r.spawnsPerSample)),
    machineForksPerSample: median(runs.map((r) => r.machineForksPerSample)),
    samplesPerRun: median(runs.map((r) => r.samples)),
  };
}

async function main() {
  if (process.platform !== 'linux') throw new Error('the collection benchmark reads /proc and runs on Linux only');
  console.log(`collection cost: ${RUNS} runs × ${SECONDS} s each, interval ${INTERVAL_MS} ms`);
  const noise = await idleForks();
  console.log(`machine background: ${noise} forks in ${SECONDS} s with nothing running`);
  const service: Result[] = [];
  const plain: Result[] = [];
  for (let i = 0; i < RUNS; i++) {
    service.push(await measure('service-stream.mjs'));
    plain.push(await measure('si-loop.mjs'));
    console.log(`run ${i + 1}: service ${service[i]!.cpuPercent.toFixed(2)}% cpu, ${service[i]!.spawnsPerSample.toFixed(1)} spawns/sample; ` +
      `systeminformation ${plain[i]!.cpuPercent.toFixed(2)}% cpu, ${plain[i]!.spawnsPerSample.toFixed(1)} spawns/sample`);
  }
  const rows = [summarize('widgets-service stream', service), summarize('plain systeminformation loop', plain)];
  console.table(rows.map((r) => ({
    workload: r.name, 'CPU % of one core (median)': r.cpuPercent.toFixed(2), 'RSS MiB': r.rssMiB.toFixed(1),
    'spawns / sample': r.spawnsPerSample.toFixed(1), 'machine forks / sample': r.machineForksPerSample.toFixed(1), samples: r.samplesPerRun,
  })));
  const ratio = rows[1]!.cpuPercent / Math.max(rows[0]!.cpuPercent, 1e-6);
  console.log(`systeminformation loop / service CPU ratio: ${ratio.toFixed(1)}x (background forks per ${SECONDS}s: ${noise})`);
  const report: Record<string, unknown> = { machine: `${process.platform} ${process.arch}, node ${process.version}`, collection: rows, ratio, backgroundForks: noise };
  if (process.env.BENCH_SKIP_GPU !== '1') report.gpu = await gpuLoopVersusTick();
  if (process.env.BENCH_SKIP_SPAWN !== '1') {
    const { runSpawnCost } = await import('./spawn-cost.js');
    report.spawnCost = await runSpawnCost();
  }
  if (process.env.BENCH_SKIP_FANOUT !== '1') {
    try {
      const { runFanout } = await import('./fanout.js') as { runFanout?: () => Promise<unknown> };
      if (runFanout) report.fanout = await runFanout();
    } catch (error) {
      console.log(`fan-out benchmark unavailable: ${(error as Error).message}`);
    }
  }
  mkdirSync(join(root, '.bench'), { recursive: true });
  writeFileSync(join(root, '.bench', 'report.json'), JSON.stringify(report, null, 2));
  console.log('written .bench/report.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
