// npm run bench [-- --quick] [-- --soak] [-- --long] [-- --only=steady,diskio,platforms,scale,gpu,rest,fanout,spawn,soak,long]
//
// Every scenario runs on a fixed time budget and stops by itself; everything talks to 127.0.0.1 only.
// The systems compared (widgets-service, node_exporter, Glances, a plain systeminformation loop, a
// bare node) are measured in the same run, at the same time, so a shared machine's noise falls on all
// of them alike: compare within one run. Prints one Markdown table and writes bench/results/
// (JSON, the table, and an SVG chart of steady-state CPU and RSS per system).
//
//   full   ≈ 17 min: steady 3 × 60 s, disk I/O on/off 3 × 30 s, platform paths 3 × 30 s, scaling 3 × 30 s, GPU 70 s, REST 4 × 30 s, fan-out 3 runs × 3 × 8 s
//   --quick ≈ 5 min: one run of each, shorter windows
//   --soak  adds the 10-minute soak (BENCH_SOAK_SECONDS to change it)
//   --long  adds 10 minutes of steady state beside node_exporter, RSS minute by minute (BENCH_LONG_SECONDS)
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runFanout } from './fanout.js';
import { runGpu } from './gpu.js';
import { chart, table, type BenchResults } from './report.js';
import { runRest } from './rest.js';
import { runScale } from './scale.js';
import { runLong } from './long-run.js';
import { runSoak } from './soak.js';
import { runSpawnCost } from './spawn-cost.js';
import { runSteady } from './steady.js';
import { runDiskIo } from './disk-io.js';
import { platformsTable, runPlatforms } from './platforms.js';
import { ensureTools, root } from './systems.js';

const SCENARIOS = ['steady', 'diskio', 'platforms', 'scale', 'gpu', 'rest', 'fanout', 'spawn', 'soak', 'long'] as const;
type Scenario = (typeof SCENARIOS)[number];

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') as Scenario[] | undefined;
const wanted = new Set<Scenario>(only ?? SCENARIOS.filter((s) => (s !== 'soak' || args.includes('--soak')) && (s !== 'long' || args.includes('--long'))));
const INTERVAL_MS = 2000;

const budget = quick
  ? { runs: 1, steadyS: 20, scaleS: 12, gpuS: 12, appsS: 20, restS: 10, fanoutRuns: 1, fanoutS: 6, warmupMs: 5000 }
  : { runs: 3, steadyS: 60, scaleS: 30, gpuS: 30, appsS: 40, restS: 30, fanoutRuns: 3, fanoutS: 8, warmupMs: 6000 };

async function main() {
  if (process.platform !== 'linux') throw new Error('the benchmark reads /proc and runs on Linux only');
  for (const s of wanted) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
  ensureTools();
  const t0 = Date.now();
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    mode: `${quick ? 'quick' : 'full'}: ${[...wanted].join(', ')}`,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown cpu',
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      kernel: os.release(),
      node: process.version,
      loadAverageAtStart: os.loadavg().map((l) => +l.toFixed(2)),
    },
  };
  console.log(`bench (${results.mode}) on ${results.machine.cpu}, ${results.machine.cores} cores, load average ${results.machine.loadAverageAtStart.join(' ')}`);
  // The steady-state window is a whole minute in the full run: the GPU fallback (no GPU tool here)
  // reads graphics() once a minute, and a shorter window would miss or double-count it.
  if (wanted.has('steady')) results.steady = await runSteady({ runs: budget.runs, seconds: budget.steadyS, intervalMs: INTERVAL_MS, warmupMs: budget.warmupMs });
  // The service with and without the disk I/O fields, side by side (issue 21: no measurable rise).
  if (wanted.has('diskio')) results.diskIo = await runDiskIo({ runs: budget.runs, seconds: quick ? 15 : 30, intervalMs: INTERVAL_MS, warmupMs: budget.warmupMs });
  // Linux, darwin and win32 collectors (the latter two with the stand-ins) in the same windows (issue 20).
  if (wanted.has('platforms')) results.platforms = await runPlatforms({ runs: budget.runs, seconds: quick ? 15 : 30, intervalMs: INTERVAL_MS, warmupMs: Math.max(budget.warmupMs, 8000) });
  if (wanted.has('scale')) results.scale = await runScale({ sizes: [100, 1000, 3000], seconds: budget.scaleS, intervalMs: INTERVAL_MS, warmupMs: budget.warmupMs });
  if (wanted.has('gpu')) results.gpu = await runGpu({ seconds: budget.gpuS, appsSeconds: budget.appsS, intervalMs: INTERVAL_MS, warmupMs: budget.warmupMs });
  if (wanted.has('rest')) results.rest = await runRest({ seconds: budget.restS, intervalMs: INTERVAL_MS });
  if (wanted.has('fanout')) results.fanout = await runFanout({ clients: [1, 100, 1000], runs: budget.fanoutRuns, seconds: budget.fanoutS, intervalMs: INTERVAL_MS, write: false });
  // The parent-death guard's cost per tool spawn (setpriv --pdeathsig against a plain spawn); JSON only.
  if (wanted.has('spawn')) results.spawnCost = await runSpawnCost();
  if (wanted.has('soak')) results.soak = await runSoak({ seconds: Number(process.env.BENCH_SOAK_SECONDS ?? 600), intervalMs: 250, snapshotEveryS: 60 });
  if (wanted.has('long')) results.long = await runLong({ seconds: Number(process.env.BENCH_LONG_SECONDS ?? 600), intervalMs: INTERVAL_MS });
  results.durationSeconds = Math.round((Date.now() - t0) / 1000);
  results.machine.loadAverageAtEnd = os.loadavg().map((l) => +l.toFixed(2));

  // The platform paths have a table of their own (their columns are not the systems compared).
  const main = table(results);
  const md = [main.split('\n').length > 2 ? main : '', results.platforms ? platformsTable(results.platforms) : ''].filter(Boolean).join('\n\n');
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  writeFileSync(join(dir, `${stamp}.json`), JSON.stringify(results, null, 2));
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2));
  writeFileSync(join(dir, 'table.md'), md + '\n');
  const svg = chart(results);
  if (svg) writeFileSync(join(dir, 'chart.svg'), svg);
  console.log(`\n${md}\n`);
  console.log(`${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, Linux ${results.machine.kernel}, node ${results.machine.node}; ` +
    `load average ${results.machine.loadAverageAtStart.join(' ')} at start, ${results.machine.loadAverageAtEnd.join(' ')} at end; ${results.durationSeconds} s`);
  console.log(`written bench/results/${stamp}.json, latest.json, table.md${svg ? ', chart.svg' : ''}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
