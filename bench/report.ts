// The one table (Markdown, so it pastes into the README) and the SVG chart of the steady state.
import type { FanoutReport } from './fanout.js';
import type { GpuCase } from './gpu.js';
import type { LongRunResult } from './long-run.js';
import type { Window } from './measure.js';
import { median } from './proc-usage.js';
import type { RestCase } from './rest.js';
import type { ScalePoint } from './scale.js';
import type { SoakResult } from './soak.js';
import type { SteadyResult } from './steady.js';
import { AFTER, BEFORE, type DiskIoBenchResult } from './disk-io.js';
import type { PlatformsResult } from './platforms.js';
import { SYSTEMS } from './systems.js';

export interface BenchResults {
  startedAt: string;
  machine: { cpu: string; cores: number; memoryGiB: number; kernel: string; node: string; loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  mode: string;
  durationSeconds?: number;
  steady?: SteadyResult;
  diskIo?: DiskIoBenchResult;
  platforms?: PlatformsResult;
  scale?: ScalePoint[];
  gpu?: GpuCase[];
  rest?: RestCase[];
  fanout?: FanoutReport;
  soak?: SoakResult;
  long?: LongRunResult;
  spawnCost?: unknown;
}

const OURS = 'widgets-service';
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

/** "median (min–max)" over runs. */
function spread(values: number[], fmt = f2): string {
  if (values.length === 0) return '–';
  if (values.length === 1) return fmt(values[0]!);
  return `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

export function steadySummary(steady: SteadyResult): Record<string, { cpu: number; rss: number; rssEnd: number }> {
  const out: Record<string, { cpu: number; rss: number; rssEnd: number }> = {};
  for (const [name, windows] of Object.entries(steady.systems)) {
    out[name] = {
      cpu: median(windows.map((w) => w.cpuPercent)),
      rss: median(windows.map((w) => w.rssMiB)),
      rssEnd: median(windows.map((w) => w.rssEndMiB)),
    };
  }
  return out;
}

export function table(r: BenchResults): string {
  const columns = [...SYSTEMS];
  const rows: string[][] = [];
  const row = (label: string, cells: Partial<Record<string, string>>) => rows.push([label, ...columns.map((c) => cells[c] ?? '–')]);
  if (r.steady) {
    const s = r.steady.systems;
    const each = (pick: (w: Window) => number, fmt = f2) =>
      Object.fromEntries(columns.filter((c) => s[c]).map((c) => [c, spread(s[c]!.map(pick), fmt)]));
    row(`Steady, 1 reader every ${r.steady.intervalMs / 1000} s: CPU % of one core, own + children (median, min–max of ${r.steady.runs} × ${r.steady.seconds} s)`, each((w) => w.cpuPercent));
    row('Steady: RSS MiB (median)', each((w) => w.rssMiB, f1));
    const idle = s[`${OURS}, no client`];
    if (idle) row('Idle, no reader: CPU % / RSS MiB', { [OURS]: `${spread(idle.map((w) => w.cpuPercent))} / ${f1(median(idle.map((w) => w.rssMiB)))}` });
  }
  if (r.diskIo) {
    const d = r.diskIo;
    const cell = (name: string) => {
      const w = d.systems[name] ?? [];
      const one = d.perReadingMicros[name];
      return `${spread(w.map((x) => x.cpuPercent), (x) => x.toFixed(3))} % / ${f1(median(w.map((x) => x.rssMiB)))} MiB / ${one ? f1(one.median) : '–'} µs`;
    };
    row(`Disk I/O fields, 1 reader every ${d.intervalMs / 1000} s (${d.runs} × ${d.seconds} s): CPU % / RSS / one disk reading, before → with I/O`, {
      [OURS]: `${cell(BEFORE)} → ${cell(AFTER)}`,
    });
  }
  for (const p of r.scale ?? []) {
    const cells: Record<string, string> = {};
    for (const [name, w] of Object.entries(p.systems)) cells[name] = `${f2(w.cpuPercent)} %`;
    cells[OURS] = `${cells[OURS] ?? '–'}; collector ${f2(p.collectorMsPerSample)} ms/sample, ${f2(p.statReadsPerProcess)} stat reads/process, ${p.cmdlineReadsPerSample} cmdline reads`;
    row(`+${p.extra.toLocaleString('en')} sleeping processes (${p.processes.toLocaleString('en')} in all): CPU %`, cells);
  }
  for (const g of r.gpu ?? []) {
    row(`GPU stand-in: ${g.name}: CPU % / spawns per sample / RSS MiB incl. children`, { [OURS]: `${f2(g.cpuPercent)} % / ${f2(g.spawnsPerSample)} / ${f1(g.treeRssMiB)}` });
  }
  for (const c of r.rest ?? []) {
    row(`REST ${c.name.startsWith("/api/") ? "" : "/api/stats, "}wrk ${c.name}: req/s, p50 / p99 ms`, { [OURS]: `${Math.round(c.requestsPerSec).toLocaleString('en')} req/s, ${f2(c.p50Ms)} / ${f2(c.p99Ms)} ms${c.non2xx || c.errors ? ` (${c.non2xx} non-2xx, ${c.errors} errors)` : ''}` });
  }
  for (const c of r.fanout?.cases ?? []) {
    row(`WebSocket fan-out, ${c.clients.toLocaleString('en')} client(s): CPU % / RSS MiB / msg per client per s`, { [OURS]: `${f2(c.cpuPercent)} % / ${f1(c.rssMiB)} / ${f2(c.messagesPerClientPerSec)}` });
  }
  if (r.soak) {
    const a = r.soak.snapshots[0]!;
    const b = r.soak.snapshots.at(-1)!;
    row(`Soak ${Math.round(r.soak.seconds / 60)} min at ${r.soak.intervalMs} ms, ${b.connectionsServed} connections: RSS, heap after GC, handles, fds, children (start → end)`, {
      [OURS]: `${f1(a.rssMiB)} → ${f1(b.rssMiB)} MiB, ${f2(a.heapAfterGcMiB)} → ${f2(b.heapAfterGcMiB)} MiB, ${a.activeHandles} → ${b.activeHandles}, ${a.fds} → ${b.fds}, ${a.children} → ${b.children}`,
    });
    row('Soak: heap after GC per connection served, 1st half / 2nd half (bytes)', {
      [OURS]: `${Math.round(r.soak.heapBytesPerConnectionFirstHalf)} / ${Math.round(r.soak.heapBytesPerConnectionSecondHalf)}`,
    });
  }
  if (r.long) {
    const at = (name: string, minute: number) => r.long!.systems[name]?.find((m) => m.minute === minute)?.rssMedianMiB ?? NaN;
    const last = Math.max(...Object.values(r.long.systems).flatMap((ms) => ms.map((m) => m.minute)));
    const cells = Object.fromEntries(Object.entries(r.long.systems).map(([name, ms]) => [name,
      `${f1(at(name, 1))} → ${f1(at(name, Math.ceil(last / 2)))} → ${f1(at(name, last))} MiB, ${f2(median(ms.map((m) => m.cpuPercent)))} %`]));
    row(`${last} min steady, 1 reader every ${r.long.intervalMs / 1000} s: RSS MiB in minute 1 → ${Math.ceil(last / 2)} → ${last} (median of each minute, read every 500 ms), CPU % (median of the minutes)`, cells);
  }
  const header = ['', ...columns];
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

/** Two bar charts side by side: steady-state CPU % and RSS MiB per system. */
export function chart(r: BenchResults): string {
  if (!r.steady) return '';
  const summary = steadySummary(r.steady);
  const names = [...SYSTEMS, `${OURS}, no client`].filter((n) => summary[n]);
  const rowH = 26;
  const top = 46;
  const labelW = 190;
  const barW = 230;
  const panelW = labelW + barW + 70;
  const height = top + names.length * rowH + 34;
  const panel = (x0: number, title: string, value: (n: string) => number, unit: string) => {
    // One system far above the rest (the systeminformation loop's CPU) would flatten every other bar:
    // its bar is cut (marked with a gap) and the scale follows the others.
    const sorted = names.map(value).sort((a, b) => b - a);
    const cut = sorted.length > 1 && sorted[0]! > 5 * sorted[1]! ? sorted[1]! * 1.6 : undefined;
    const max = Math.max(cut ?? sorted[0] ?? 0, 1e-9);
    const parts = [`<text x="${x0}" y="28" font-weight="bold">${title}</text>`];
    names.forEach((n, i) => {
      const y = top + i * rowH;
      const clipped = value(n) > max;
      const w = clipped ? barW : Math.max(1, (value(n) / max) * barW);
      const fill = n.startsWith(OURS) ? '#2b7bb9' : '#9aa5b1';
      parts.push(`<text x="${x0 + labelW - 6}" y="${y + 15}" text-anchor="end">${n}</text>`);
      parts.push(`<rect x="${x0 + labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${fill}"/>`);
      if (clipped) parts.push(`<rect x="${x0 + labelW + barW * 0.8}" y="${y + 1}" width="6" height="${rowH - 4}" fill="white" transform="skewX(-15)" transform-origin="${x0 + labelW + barW * 0.8} ${y + 13}"/>`);
      parts.push(`<text x="${(x0 + labelW + w + 5).toFixed(1)}" y="${y + 15}">${value(n).toFixed(unit === '%' ? 2 : 1)} ${unit}</text>`);
    });
    return parts.join('\n');
  };
  const note = `${r.steady.runs} × ${r.steady.seconds} s, read every ${r.steady.intervalMs / 1000} s, medians; ${r.machine.cpu}, ${r.machine.cores} cores, node ${r.machine.node}, ${r.startedAt.slice(0, 10)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${panelW * 2 + 16}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${panel(8, 'CPU, % of one core (own + children)', (n) => summary[n]!.cpu, '%')}
${panel(panelW + 8, 'Resident memory (RSS)', (n) => summary[n]!.rss, 'MiB')}
<text x="8" y="${height - 10}" fill="#555" font-size="11">${escapeXml(note)}</text>
</svg>
`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
