// The three platform paths side by side: the built service on Linux's own collectors (procfs), with
// `--platform darwin` and with `--platform win32`, the stand-ins (spec/stand-ins/) first on PATH for
// the latter two, all started together and measured over the same windows, one WebSocket client on
// every topic each, at the 2 s interval. A fourth service runs the darwin path without the gpu topic
// (no ioreg per tick). Per path: CPU of the service process alone; CPU of the tools it started
// (reaped and live: the stand-ins are Node scripts, so each start costs far more than the real
// tool's, and the real PowerShell agent's cost can only be measured on Windows); RSS of each; tool
// starts per tick from FAKE_TOOLS_LOG (stand-ins only); and every process the service itself
// started, real tools included, from a preload (workloads/log-spawns.mjs).
// Standalone: node --import tsx bench/platforms.ts [runs] [seconds]   (after npm run build)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendants, median, ownCpuSeconds, rssBytes, treeCpuSeconds } from './proc-usage.js';
import { root, sleep, startService, type Running } from './systems.js';

const STAND_INS = join(root, 'spec', 'stand-ins');
const EVERY_TOPIC_BUT_GPU = ['cpu', 'memory', 'disk', 'network', 'processes'];

interface PathSpec {
  name: string;
  platform?: 'darwin' | 'win32';
  subscribe?: string[];
}

export const PATHS: readonly PathSpec[] = [
  { name: 'linux (procfs)' },
  { name: 'darwin (stand-ins)', platform: 'darwin' },
  { name: 'darwin (stand-ins), no gpu topic', platform: 'darwin', subscribe: EVERY_TOPIC_BUT_GPU },
  { name: 'win32 (stand-ins)', platform: 'win32' },
];

export interface PathWindow {
  /** The service process alone, % of one core. */
  serviceCpuPercent: number;
  /** The processes it started (stand-ins), reaped and live, % of one core. */
  toolsCpuPercent: number;
  /** The service process's RSS, and its live children's summed, MiB (medians over the window). */
  rssMiB: number;
  toolsRssMiB: number;
  /** Stand-in starts per tick (FAKE_TOOLS_LOG), and per tool over the window. */
  toolStartsPerTick: number;
  toolStarts: Record<string, number>;
  /** Every process the service started, per tick (the preload's log). */
  spawnsPerTick: number;
  /** Stand-in starts since the service started (the win32 agent: 1 in all), and per tool. */
  toolStartsInRun: number;
  toolStartsInRunByTool: Record<string, number>;
  messagesPerTick: number;
  seconds: number;
}

export interface PlatformsResult {
  runs: number;
  seconds: number;
  intervalMs: number;
  paths: Record<string, PathWindow[]>;
  loadAverage: { start: number[]; end: number[] };
}

interface Started { spec: PathSpec; service: Running; toolLog: string; spawnLog: string }

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

function safe(read: () => number): number {
  try {
    return read();
  } catch {
    return 0;
  }
}

async function startPath(spec: PathSpec, dir: string, intervalMs: number): Promise<Started> {
  const tag = spec.name.replace(/[^a-z0-9]+/gi, '-');
  const toolLog = join(dir, `${tag}.tools.log`);
  const spawnLog = join(dir, `${tag}.spawns.log`);
  const service = await startService({
    intervalMs,
    clients: 1,
    name: spec.name,
    args: spec.platform ? ['--platform', spec.platform] : [],
    nodeArgs: ['--import', join(root, 'bench', 'workloads', 'log-spawns.mjs')],
    subscribe: spec.subscribe,
    env: {
      FAKE_TOOLS_LOG: toolLog,
      BENCH_SPAWN_LOG: spawnLog,
      ...(spec.platform ? { PATH: `${STAND_INS}:${process.env.PATH ?? ''}` } : {}),
    },
  });
  return { spec, service, toolLog, spawnLog };
}

/** All paths over one window, measured at the same time. */
async function measure(started: readonly Started[], seconds: number, intervalMs: number): Promise<Map<string, PathWindow>> {
  const at0 = started.map((s) => ({
    own: safe(() => ownCpuSeconds(s.service.pid)),
    tree: safe(() => treeCpuSeconds(s.service.pid)),
    tools: lines(s.toolLog).length,
    spawns: lines(s.spawnLog).length,
    messages: s.service.samples() ?? 0,
  }));
  const rss = started.map(() => [] as number[]);
  const toolsRss = started.map(() => [] as number[]);
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(500);
    started.forEach((s, i) => {
      rss[i]!.push(safe(() => rssBytes(s.service.pid)));
      toolsRss[i]!.push(descendants(s.service.pid).reduce((sum, pid) => sum + safe(() => rssBytes(pid)), 0));
    });
  }
  const elapsed = (performance.now() - t0) / 1000;
  const ticks = (elapsed * 1000) / intervalMs;
  const out = new Map<string, PathWindow>();
  started.forEach((s, i) => {
    const b = at0[i]!;
    const own = safe(() => ownCpuSeconds(s.service.pid)) - b.own;
    const tree = safe(() => treeCpuSeconds(s.service.pid)) - b.tree;
    const toolLines = lines(s.toolLog);
    const byTool = (some: string[]) => {
      const counts: Record<string, number> = {};
      for (const line of some) counts[line.split(' ')[0]!] = (counts[line.split(' ')[0]!] ?? 0) + 1;
      return counts;
    };
    const toolStarts = byTool(toolLines.slice(b.tools));
    out.set(s.spec.name, {
      serviceCpuPercent: (own / elapsed) * 100,
      toolsCpuPercent: (Math.max(0, tree - own) / elapsed) * 100,
      rssMiB: median(rss[i]!.filter((x) => x > 0)) / 2 ** 20,
      toolsRssMiB: median(toolsRss[i]!) / 2 ** 20,
      toolStartsPerTick: (toolLines.length - b.tools) / ticks,
      toolStarts,
      spawnsPerTick: (lines(s.spawnLog).length - b.spawns) / ticks,
      toolStartsInRun: toolLines.length,
      toolStartsInRunByTool: byTool(toolLines),
      messagesPerTick: ((s.service.samples() ?? 0) - b.messages) / ticks,
      seconds: elapsed,
    });
  });
  return out;
}

export async function runPlatforms(o: { runs: number; seconds: number; intervalMs: number; warmupMs: number }): Promise<PlatformsResult> {
  console.log(`platforms: ${PATHS.map((p) => p.name).join(', ')}, together; ${o.runs} × ${o.seconds} s, interval ${o.intervalMs} ms`);
  const loadStart = os.loadavg().map((l) => +l.toFixed(2));
  const paths: Record<string, PathWindow[]> = {};
  for (let run = 1; run <= o.runs; run++) {
    const dir = mkdtempSync(join(os.tmpdir(), 'bench-platforms-'));
    const started: Started[] = [];
    try {
      for (const spec of PATHS) started.push(await startPath(spec, dir, o.intervalMs));
      await sleep(o.warmupMs); // start-up: module loads, the agent's and loop tools' first answers
      const windows = await measure(started, o.seconds, o.intervalMs);
      const line: string[] = [];
      for (const [name, w] of windows) {
        (paths[name] ??= []).push(w);
        line.push(`${name} ${w.serviceCpuPercent.toFixed(2)}% + tools ${w.toolsCpuPercent.toFixed(2)}%, ${w.rssMiB.toFixed(1)} MiB, ` +
          `${w.toolStartsPerTick.toFixed(2)} starts/tick ${JSON.stringify(w.toolStarts)}, since start ${JSON.stringify(w.toolStartsInRunByTool)}, ${w.messagesPerTick.toFixed(2)} msg/tick`);
      }
      console.log(`  run ${run}:\n    ${line.join('\n    ')}`);
    } finally {
      await Promise.all(started.map((s) => s.service.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { runs: o.runs, seconds: o.seconds, intervalMs: o.intervalMs, paths, loadAverage: { start: loadStart, end: os.loadavg().map((l) => +l.toFixed(2)) } };
}

/** One Markdown table: per path, medians over the runs (each run's value in brackets for CPU). */
export function platformsTable(r: PlatformsResult): string {
  const each = (values: number[], digits: number) => `${median(values).toFixed(digits)} (${values.map((v) => v.toFixed(digits)).join(', ')})`;
  const rows = Object.entries(r.paths).map(([name, ws]) => {
    const starts = Object.entries(ws.at(-1)!.toolStarts).map(([tool, n]) => `${tool} ${n}`).join(', ') || 'none';
    return `| ${name} | ${each(ws.map((w) => w.serviceCpuPercent), 2)} | ${each(ws.map((w) => w.toolsCpuPercent), 2)} | ` +
      `${median(ws.map((w) => w.rssMiB)).toFixed(1)} / ${median(ws.map((w) => w.toolsRssMiB)).toFixed(1)} | ` +
      `${median(ws.map((w) => w.toolStartsPerTick)).toFixed(2)} (last window: ${starts}; ${median(ws.map((w) => w.toolStartsInRun))} since start) | ` +
      `${median(ws.map((w) => w.spawnsPerTick)).toFixed(2)} | ${median(ws.map((w) => w.messagesPerTick)).toFixed(2)} |`;
  });
  return [
    `| path, 1 WebSocket client, every ${r.intervalMs / 1000} s (${r.runs} × ${r.seconds} s) | service CPU % (median, runs) | stand-ins CPU % | RSS MiB service / stand-ins | stand-in starts per tick (FAKE_TOOLS_LOG) | processes the service started per tick | messages per tick |`,
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [runs = 3, seconds = 30] = process.argv.slice(2).map(Number);
  runPlatforms({ runs, seconds, intervalMs: 2000, warmupMs: 8000 }).then((r) => {
    console.log(`\n${platformsTable(r)}\n\nload average ${r.loadAverage.start.join(' ')} at start, ${r.loadAverage.end.join(' ')} at end`);
  }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
