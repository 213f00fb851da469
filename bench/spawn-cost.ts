// The cost of the parent-death guard: one tool spawn straight through execa against the same
// spawn through `setpriv --pdeathsig KILL --` (what lib/tools/spawn.ts does on Linux), interleaved
// in one run so that machine noise hits both alike. Wall time from spawn to exit, ms.
// Standalone: node --import tsx bench/spawn-cost.ts   (SPAWN_COST_COUNT, SPAWN_COST_RUNS)
import { execa } from 'execa';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './proc-usage.js';
import { pdeathsigLauncher, withParentDeathSignal } from '../lib/tools/parent-death.js';

const COUNT = Number(process.env.SPAWN_COST_COUNT ?? 200);
const RUNS = Number(process.env.SPAWN_COST_RUNS ?? 3);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function once(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  await execa(file, args, { reject: false, detached: true, stdin: 'ignore', ...(env ? { env } : {}) });
  return performance.now() - t0;
}

async function compare(label: string, file: string, args: string[], count: number, env?: NodeJS.ProcessEnv) {
  const guarded = withParentDeathSignal(file, args, await pdeathsigLauncher());
  const plain: number[] = [];
  const viaSetpriv: number[] = [];
  for (let i = 0; i < count; i++) {
    plain.push(await once(file, args, env));
    viaSetpriv.push(await once(guarded.file, guarded.args, env));
  }
  const a = median(plain);
  const b = median(viaSetpriv);
  return { tool: label, spawns: count, 'plain ms (median)': +a.toFixed(3), 'setpriv ms (median)': +b.toFixed(3), 'extra ms': +(b - a).toFixed(3), ratio: +(b / a).toFixed(2) };
}

export async function runSpawnCost() {
  if ((await pdeathsigLauncher()) === null) {
    console.log('spawn cost: no usable setpriv --pdeathsig here; nothing to compare');
    return null;
  }
  const rows = [];
  for (let run = 0; run < RUNS; run++) {
    rows.push(await compare('/bin/true', '/bin/true', [], COUNT));
    rows.push(await compare('nvidia-smi stand-in (node)', join(root, 'spec', 'tools', 'fake-nvidia-smi'), ['--query-gpu=name', '--format=csv'], Math.max(10, COUNT / 10), {
      ...process.env,
      FAKE_NVIDIA_SMI_CSV: join(root, 'spec', 'fixtures', 'gpu', 'nvidia-smi', 'query-gpu-all-fields-h100-590.48.01-load.csv'),
    }));
  }
  console.table(rows);
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSpawnCost().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
