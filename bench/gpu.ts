// GPU with the nvidia-smi stand-in (a Node script replaying an H100 capture), so no GPU is needed:
// 1. the NVIDIA collector with a long-lived loop-mode child against one spawn per tick (the stand-in
//    refusing loop mode); 2. the compute-apps query (processes per GPU, every 10 s) as one spawn each
//    time against one loop-mode child. The stand-in is a Node script and costs more per spawn than the
//    real tool (a node start-up, ~40 ms of CPU), so spawn costs here are an upper bound.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureTogether, type Window } from './measure.js';
import { root, sleep, startWorkload } from './systems.js';

export interface GpuCase extends Window {
  name: string;
  spawnsPerSample: number;
}

export async function runGpu(o: { seconds: number; appsSeconds: number; intervalMs: number; warmupMs: number }): Promise<GpuCase[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gpu-'));
  symlinkSync(join(root, 'spec', 'tools', 'fake-nvidia-smi'), join(dir, 'nvidia-smi'));
  const fixtures = join(root, 'spec', 'fixtures', 'gpu', 'nvidia-smi');
  const env = {
    PATH: `${dir}:${process.env.PATH ?? ''}`,
    FAKE_NVIDIA_SMI_CSV: join(fixtures, 'query-gpu-all-fields-h100-590.48.01-load.csv'),
    FAKE_NVIDIA_SMI_APPS: join(fixtures, 'compute-apps-rtx4080super-linux-595.71.05-load.csv'),
  };
  const cases: GpuCase[] = [];
  try {
    console.log(`GPU (nvidia-smi stand-in): loop mode and one spawn per tick together, ${o.seconds} s`);
    const collector = [
      await startWorkload('GPU collector, nvidia-smi loop mode', 'gpu-stream.mjs', o.intervalMs, env),
      await startWorkload('GPU collector, one nvidia-smi per tick', 'gpu-stream.mjs', o.intervalMs, { ...env, FAKE_NVIDIA_SMI_NO_LOOP: '1' }),
    ];
    cases.push(...await measure(collector, o.seconds, o.warmupMs, () => o.seconds * 1000 / o.intervalMs));
    console.log(`compute-apps query every 10 s: one spawn each time and one loop-mode child together, ${o.appsSeconds} s`);
    const apps = [
      await startWorkload('compute-apps, one spawn per query', 'apps-query.mjs', o.intervalMs, { ...env, BENCH_APPS_MODE: 'spawn' }),
      await startWorkload('compute-apps, loop-mode child', 'apps-query.mjs', o.intervalMs, { ...env, BENCH_APPS_MODE: 'loop' }),
    ];
    // Per service sample (2 s): how many processes the query starts.
    cases.push(...await measure(apps, o.appsSeconds, o.warmupMs, () => o.appsSeconds * 1000 / o.intervalMs));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const c of cases) console.log(`  ${c.name}: ${c.cpuPercent.toFixed(2)}% cpu, ${c.rssMiB.toFixed(1)} MiB, ${c.spawnsPerSample.toFixed(2)} spawns per 2 s sample`);
  return cases;
}

async function measure(workloads: Awaited<ReturnType<typeof startWorkload>>[], seconds: number, warmupMs: number, serviceSamples: () => number): Promise<GpuCase[]> {
  try {
    await sleep(warmupMs);
    const spawns0 = workloads.map((w) => w.spawns());
    const windows = await measureTogether(workloads, seconds);
    return workloads.map((w, i) => ({ name: w.name, ...windows.get(w.name)!, spawnsPerSample: (w.spawns() - spawns0[i]!) / serviceSamples() }));
  } finally {
    await Promise.all(workloads.map((w) => w.stop()));
  }
}
