export interface CpuInfo {
  model: string;
  /** `processor` entries. */
  logicalCores: number;
  /** Distinct (physical id, core id) pairs; the logical count where the kernel does not say (ARM). */
  physicalCores: number;
  /** Average of the `cpu MHz` lines, 0 when there are none (ARM). */
  mhz: number;
}

// x86 says "model name"; ARM says "Model" (board), "Hardware" or nothing useful beyond "CPU part".
const MODEL_KEYS = ['model name', 'Model', 'Hardware', 'Processor', 'cpu model', 'cpu'];

export function parseCpuinfo(text: string): CpuInfo {
  const blocks = text
    .split(/\n\s*\n/)
    .map(parseBlock)
    .filter((b) => b.size > 0);
  const processors = blocks.filter((b) => b.has('processor'));
  const cores = new Set<string>();
  const mhz: number[] = [];
  let model = '';
  for (const block of blocks) {
    const physicalId = block.get('physical id');
    const coreId = block.get('core id');
    if (physicalId !== undefined && coreId !== undefined) cores.add(`${physicalId}:${coreId}`);
    const speed = Number(block.get('cpu MHz'));
    if (block.has('cpu MHz') && Number.isFinite(speed)) mhz.push(speed);
    if (!model) model = MODEL_KEYS.map((k) => block.get(k)).find((v) => v && !/^\d+$/.test(v)) ?? '';
  }
  const logicalCores = processors.length;
  return {
    model,
    logicalCores,
    physicalCores: cores.size > 0 ? cores.size : logicalCores,
    mhz: mhz.length > 0 ? mhz.reduce((a, b) => a + b, 0) / mhz.length : 0,
  };
}

function parseBlock(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Average of the `cpu MHz` lines alone (0 when there are none): the per-sample re-read needs nothing else. */
export function parseCpuMhz(text: string): number {
  let sum = 0;
  let count = 0;
  for (const match of text.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)) {
    const mhz = Number(match[1]);
    if (!Number.isFinite(mhz)) continue;
    sum += mhz;
    count++;
  }
  return count > 0 ? sum / count : 0;
}
