// The Prometheus text exposition format (version 0.0.4), as pure functions: metric families with
// HELP and TYPE, label escaping and number formatting. No knowledge of what is being exported.
// https://prometheus.io/docs/instrumenting/exposition_formats/

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'gauge' | 'counter';
export type Labels = Record<string, string | number>;

export interface Family {
  name: string;
  help: string;
  type: MetricType;
  /** Adds one sample. A value that is null, undefined or not finite is left out: absent, never 0. */
  add(labels: Labels, value: number | null | undefined): void;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Collects families in the order they are declared and renders them as one exposition text. */
export class Exposition {
  private readonly families = new Map<string, { help: string; type: MetricType; lines: string[]; seen: Set<string> }>();

  family(name: string, type: MetricType, help: string): Family {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    if (this.families.has(name)) throw new Error(`metric ${name} declared twice`);
    const entry = { help, type, lines: [] as string[], seen: new Set<string>() };
    this.families.set(name, entry);
    return {
      name,
      help,
      type,
      add: (labels, value) => {
        if (value === null || value === undefined || !Number.isFinite(value)) return;
        const key = formatLabels(labels);
        // The same series twice would make Prometheus drop the sample: the first one wins.
        if (entry.seen.has(key)) return;
        entry.seen.add(key);
        entry.lines.push(`${name}${key} ${formatValue(value)}`);
      },
    };
  }

  /** Families without samples are left out entirely (no HELP/TYPE without a sample). */
  render(): string {
    let text = '';
    for (const [name, { help, type, lines }] of this.families) {
      if (lines.length === 0) continue;
      text += `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n${lines.join('\n')}\n`;
    }
    return text;
  }
}

/** `{a="1",b="x"}`, or '' without labels. Labels whose value is '' are the same as absent, so left out. */
export function formatLabels(labels: Labels): string {
  const parts: string[] = [];
  for (const [name, raw] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`invalid label name ${name}`);
    const value = String(raw);
    if (value === '') continue;
    parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Backslash, double quote and line feed are the only characters a label value escapes. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text escapes backslash and line feed (a double quote stays as it is). */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** Integers as integers; other numbers with up to 15 significant digits (no binary noise like 0.30000000000000004). */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(15)));
}
