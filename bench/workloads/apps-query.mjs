// Workload: nvidia-smi's --query-compute-apps every BENCH_APPS_MS, either one run each time
// (BENCH_APPS_MODE=spawn, what the collector does) or one long-lived loop-mode child (=loop).
// Prints a `sample` line per answer (spawn) or per chunk of rows (loop). The stand-in is on PATH.
import { execFile, spawn } from 'node:child_process';
const everyMs = Number(process.env.BENCH_APPS_MS ?? 10000);
const args = ['--query-compute-apps=gpu_uuid,pid,process_name,used_gpu_memory', '--format=csv,noheader,nounits'];
process.stdout.write(`ready ${globalThis.__spawns}\n`);
if (process.env.BENCH_APPS_MODE === 'loop') {
  const child = spawn('nvidia-smi', [...args, `--loop-ms=${everyMs}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  child.stdout.on('data', () => process.stdout.write(`sample ${globalThis.__spawns}\n`));
  process.on('SIGTERM', () => { child.kill('SIGKILL'); process.exit(0); });
} else {
  const run = () => execFile('nvidia-smi', args, () => process.stdout.write(`sample ${globalThis.__spawns}\n`));
  run();
  setInterval(run, everyMs);
}
