// `promtool check metrics` (Debian's prometheus package) and a small reader of the text format, so
// specs can lint what the service serves with the real tool and look up single samples.
import { spawnSync } from 'node:child_process';

export interface PromtoolResult {
  code: number | null;
  /** stdout and stderr together: empty when the text is clean. */
  output: string;
}

export function promtoolCheck(text: string): PromtoolResult {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('promtool not found on PATH: install Debian\'s prometheus package (apt-get install -y prometheus); .ci/run does');
  }
  if (run.error) throw run.error;
  return { code: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() };
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a text exposition (comments skipped), label values unescaped. */
export function parseSamples(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unreadable sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (const l of body.matchAll(label)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The samples of one family, optionally only those whose labels include `where`. */
export function find(samples: PromSample[], name: string, where: Record<string, string> = {}): PromSample[] {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
}
