// Draws a Grafana dashboard's panels from the answers a real Prometheus gave to their queries, as
// SVG laid out on the dashboard's grid, and photographs it with headless Chromium (playwright-core).
// This is the data of each panel, not Grafana's rendering of it: lines for time series, coloured
// bars for state timelines, rows for tables.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { PromSeries } from './prometheus.js';

export interface DrawnPanel {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  unit: string;
  results: { refId: string; legend: string; series: PromSeries[] }[];
  /** The panel's value mappings (Grafana's ValueToText options): a state's text and colour. */
  states?: Record<string, { text: string; color?: string }>;
}

/** Grafana's named colours used by the dashboard's mappings. */
const NAMED: Record<string, string> = { green: '#73bf69', red: '#f2495c', blue: '#5794f2' };

const COLUMN = 60;
const ROW = 30;
const COLORS = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0', '#508642', '#cca300'];

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const legendOf = (format: string, labels: Record<string, string>) =>
  format ? format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => labels[name] ?? '') : JSON.stringify(labels);

export function formatValue(value: number, unit: string): string {
  const scaled = (v: number, base: number, units: string[]) => {
    let i = 0;
    while (Math.abs(v) >= base && i < units.length - 1) { v /= base; i++; }
    return `${Number(v.toPrecision(3))} ${units[i]}`;
  };
  switch (unit) {
    case 'percentunit': return `${Number((value * 100).toPrecision(3))}%`;
    case 'bytes': return scaled(value, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB']);
    case 'Bps': return scaled(value, 1024, ['B/s', 'KiB/s', 'MiB/s', 'GiB/s']);
    case 'celsius': return `${Number(value.toPrecision(3))} °C`;
    case 'watt': return `${Number(value.toPrecision(4))} W`;
    case 's': return value < 1 ? `${Number((value * 1000).toPrecision(3))} ms` : `${Number(value.toPrecision(3))} s`;
    default: return String(Number(value.toPrecision(3)));
  }
}

function timeseries(panel: DrawnPanel, width: number, height: number): string {
  const lines = panel.results.flatMap((r) => r.series.map((s) => ({ name: legendOf(r.legend, s.metric), points: (s.values ?? []).map(([t, v]) => [t, Number(v)] as const) })));
  const all = lines.flatMap((l) => l.points);
  if (all.length === 0) return `<text x="${width / 2}" y="${height / 2}" class="legend" text-anchor="middle">No data</text>`;
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(...all.map((p) => p[0]));
  const top = panel.unit === 'percentunit' ? 1 : Math.max(...all.map((p) => p[1])) * 1.1 || 1;
  const plot = { x: 70, y: 30, w: width - 80, h: height - 60 - Math.min(lines.length, 4) * 13 };
  const x = (t: number) => plot.x + (t1 > t0 ? ((t - t0) / (t1 - t0)) * plot.w : plot.w / 2);
  const y = (v: number) => plot.y + plot.h - (v / top) * plot.h;
  let svg = `<line x1="${plot.x}" y1="${plot.y + plot.h}" x2="${plot.x + plot.w}" y2="${plot.y + plot.h}" class="axis"/>`;
  for (const v of [0, top / 2, top]) svg += `<text x="${plot.x - 6}" y="${y(v) + 4}" class="tick" text-anchor="end">${escape(formatValue(v, panel.unit))}</text>`;
  svg += `<text x="${plot.x}" y="${plot.y + plot.h + 14}" class="tick">-${Math.round(t1 - t0)} s</text><text x="${plot.x + plot.w}" y="${plot.y + plot.h + 14}" class="tick" text-anchor="end">now</text>`;
  lines.forEach((l, i) => {
    const color = COLORS[i % COLORS.length];
    svg += `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${l.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`;
    if (i < 4) {
      const last = l.points.at(-1)?.[1];
      svg += `<rect x="${plot.x}" y="${plot.y + plot.h + 22 + i * 13}" width="10" height="3" fill="${color}"/><text x="${plot.x + 14}" y="${plot.y + plot.h + 27 + i * 13}" class="legend">${escape(l.name)}${last === undefined ? '' : `  ${escape(formatValue(last, panel.unit))}`}</text>`;
    }
  });
  if (lines.length > 4) svg += `<text x="${plot.x + plot.w}" y="${plot.y + plot.h + 27}" class="legend" text-anchor="end">+${lines.length - 4} more</text>`;
  return svg;
}

function stateTimeline(panel: DrawnPanel, width: number, height: number): string {
  const rows = panel.results.flatMap((r) => r.series.map((s) => ({ name: legendOf(r.legend, s.metric), points: s.values ?? [] })));
  const all = rows.flatMap((r) => r.points.map((p) => p[0]));
  const t0 = Math.min(...all);
  const t1 = Math.max(...all);
  const left = Math.min(width * 0.45, Math.max(190, ...rows.map((r) => r.name.length * 5.6 + 12)));
  const band = Math.min(18, (height - (panel.states ? 56 : 40)) / rows.length);
  // Without mappings: 1 = ok (green), anything else failing (red).
  const states = panel.states ?? { '1': { text: 'ok', color: 'green' } };
  const colorOf = (v: string) => { const c = states[String(Number(v))]?.color; return c ? NAMED[c] ?? c : '#f2495c'; };
  let svg = '';
  if (panel.states) {
    Object.values(panel.states).forEach((s, i) => {
      svg += `<rect x="${left + i * 90}" y="${height - 14}" width="10" height="8" fill="${s.color ? NAMED[s.color] ?? s.color : '#f2495c'}"/><text x="${left + 14 + i * 90}" y="${height - 6}" class="legend">${escape(s.text)}</text>`;
    });
  }
  rows.forEach((row, i) => {
    const y = 30 + i * band;
    svg += `<text x="${left - 6}" y="${y + band * 0.7}" class="legend" text-anchor="end">${escape(row.name)}</text>`;
    row.points.forEach(([t, v], j) => {
      const next = row.points[j + 1]?.[0] ?? t1 + 1;
      const x0 = left + ((t - t0) / (t1 - t0 + 1)) * (width - left - 10);
      const x1 = left + ((next - t0) / (t1 - t0 + 1)) * (width - left - 10);
      svg += `<rect x="${x0.toFixed(1)}" y="${y + 1}" width="${Math.max(0.5, x1 - x0).toFixed(1)}" height="${band - 2}" fill="${colorOf(v)}"/>`;
    });
  });
  return svg;
}

function table(panel: DrawnPanel): string {
  const keyOf = (m: Record<string, string>) => `${m.instance ?? ''}\u0000${m.name ?? ''}`;
  const rows = new Map<string, Record<string, string>>();
  for (const r of panel.results) {
    for (const s of r.series) {
      const row = rows.get(keyOf(s.metric)) ?? { Machine: s.metric.instance ?? '', Process: s.metric.name ?? '' };
      row[r.refId] = s.value?.[1] ?? '';
      rows.set(keyOf(s.metric), row);
    }
  }
  const head = ['Machine', 'Process', 'Processes', 'CPU (cores)', 'Memory'];
  let svg = head.map((h, i) => `<text x="${10 + i * 95}" y="44" class="th">${h}</text>`).join('');
  [...rows.values()].slice(0, 8).forEach((row, j) => {
    const cells = [row.Machine, row.Process, row.A ?? '', row.B ? formatValue(Number(row.B), 'none') : '', row.C ? formatValue(Number(row.C), 'bytes') : ''];
    svg += cells.map((c, i) => `<text x="${10 + i * 95}" y="${64 + j * 18}" class="legend">${escape(String(c))}</text>`).join('');
  });
  return svg;
}

/** Renders the panels into a PNG at `file` and returns it. */
export async function drawPanels(panels: DrawnPanel[], executablePath: string, file: string): Promise<Buffer> {
  const bottom = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h));
  const boxes = panels.map((p) => {
    const width = p.gridPos.w * COLUMN - 8;
    const height = p.gridPos.h * ROW - 8;
    const body = p.type === 'state-timeline' ? stateTimeline(p, width, height) : p.type === 'table' ? table(p) : timeseries(p, width, height);
    return `<svg x="${p.gridPos.x * COLUMN + 4}" y="${p.gridPos.y * ROW + 4}" width="${width}" height="${height}">
      <rect width="100%" height="100%" rx="3" class="panel"/><text x="10" y="18" class="title">${escape(p.title)}</text>${body}</svg>`;
  });
  const html = `<!doctype html><html><head><style>
    body { margin: 0; background: #111217; font-family: sans-serif; }
    .panel { fill: #181b1f; stroke: #2c3235; }
    .title { fill: #ccccdc; font-size: 13px; font-weight: 600; }
    .tick, .legend { fill: #9fa7b3; font-size: 10px; }
    .th { fill: #ccccdc; font-size: 11px; font-weight: 600; }
    .axis { stroke: #2c3235; }
    .note { fill: #6e7680; font-size: 11px; }
  </style></head><body><svg xmlns="http://www.w3.org/2000/svg" width="${24 * COLUMN}" height="${bottom * ROW + 24}">
    ${boxes.join('\n')}
    <text x="6" y="${bottom * ROW + 16}" class="note">The panels of deploy/grafana/widgets-fleet.json, drawn by spec/deploy/prometheus.spec.ts from a real Prometheus scraping two services (nvidia-smi stand-in). Not rendered by Grafana.</text>
  </svg></body></html>`;
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 24 * COLUMN, height: bottom * ROW + 24 } });
    await page.setContent(html);
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(file, png);
    return png;
  } finally {
    await browser.close();
  }
}
