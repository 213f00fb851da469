// Pure, dependency-free reader for `nvidia-smi -q -x`. nvidia-smi's XML is simple (elements, text,
// one attribute on <gpu>, no CDATA, no mixed content), so a small tag tokenizer builds a tree and
// values are looked up by path among direct children, which keeps MIG slices (<mig_devices>, with
// their own <fb_memory_usage>) apart from the GPU's own readings. Schemas v11–v13 are handled:
// <power_readings>/<power_draw> (v11), <gpu_power_readings>/<power_draw> (v12),
// <gpu_power_readings>/<average_power_draw>|<instant_power_draw> (late v12, v13).
import type { GpuProcess, GpuStats } from '../../types.js';
import { gpuStats } from './gpu-stats.js';
import { NvidiaParseError } from './nvidia-csv.js';
import { cell, mibToBytes, parseNumber } from './units.js';

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ent: string) => {
    if (ent[0] === '#') {
      const code = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ent] ?? whole;
  });
}

/** Parse an XML document into a tree. Throws NvidiaParseError on unbalanced tags. */
export function parseXml(text: string): XmlNode {
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const tag = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    const top = stack[stack.length - 1]!;
    top.text += text.slice(last, m.index);
    last = tag.lastIndex;
    if (!m[2]) continue; // comment, declaration, doctype
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      if (top.name !== name) throw new NvidiaParseError(`XML: </${name}> closes <${top.name}>`);
      top.text = decode(top.text).trim();
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = decode(a[2] ?? a[3] ?? '');
    const node: XmlNode = { name: name!, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1) throw new NvidiaParseError(`XML: <${stack[stack.length - 1]!.name}> is never closed`);
  return root;
}

/** The first direct child at each step of the path. */
export function at(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let cur = node;
  for (const step of path) cur = cur?.children.find((c) => c.name === step);
  return cur;
}

/** Text at a path, or null when absent or a "no value" spelling. */
export function textAt(node: XmlNode | undefined, ...path: string[]): string | null {
  const n = at(node, ...path);
  return n ? cell(n.text) : null;
}

function num(node: XmlNode | undefined, ...path: string[]): number | null {
  return parseNumber(textAt(node, ...path));
}

function firstNum(node: XmlNode | undefined, paths: string[][]): number | null {
  for (const p of paths) {
    const v = num(node, ...p);
    if (v !== null) return v;
  }
  return null;
}

function mib(node: XmlNode | undefined, ...path: string[]): number | null {
  return mibToBytes(num(node, ...path));
}

export interface MigDevice {
  index: number | null;
  gpuInstanceId: number | null;
  computeInstanceId: number | null;
  memory: { total: number | null; used: number | null; free: number | null };
}

/** A GPU read from XML: the usual entry, plus its MIG slices when MIG is on. */
export interface NvidiaXmlGpu extends GpuStats {
  migDevices?: MigDevice[];
}

/** Parse `nvidia-smi -q -x` into GPU entries (with `processes`, and `migDevices` under MIG). */
export function parseNvidiaXml(text: string): NvidiaXmlGpu[] {
  const doc = parseXml(text);
  const log = at(doc, 'nvidia_smi_log');
  if (!log) throw new NvidiaParseError('XML: no <nvidia_smi_log>');
  const driverVersion = textAt(log, 'driver_version');
  return log.children.filter((c) => c.name === 'gpu').map((gpu, position) => gpuFromXml(gpu, position, driverVersion));
}

function gpuFromXml(gpu: XmlNode, position: number, driverVersion: string | null): NvidiaXmlGpu {
  // A vGPU guest reports 0 C and 0 MHz where it cannot read the sensor: placeholders, not readings.
  const vgpuGuest = textAt(gpu, 'gpu_virtualization_mode', 'virtualization_mode') === 'VGPU';
  const reading = (v: number | null) => (vgpuGuest && v === 0 ? null : v);
  const processes: GpuProcess[] = (at(gpu, 'processes')?.children ?? [])
    .filter((c) => c.name === 'process_info')
    .map((p) => ({
      pid: num(p, 'pid') ?? 0,
      name: at(p, 'process_name')?.text ?? '',
      usedMemory: mib(p, 'used_memory'),
    }));
  const migNodes = (at(gpu, 'mig_devices')?.children ?? []).filter((c) => c.name === 'mig_device');
  const entry: NvidiaXmlGpu = gpuStats({
    name: textAt(gpu, 'product_name') ?? 'NVIDIA GPU',
    vendor: 'nvidia',
    index: position,
    memory: { total: mib(gpu, 'fb_memory_usage', 'total'), used: mib(gpu, 'fb_memory_usage', 'used'), free: mib(gpu, 'fb_memory_usage', 'free') },
    usage: num(gpu, 'utilization', 'gpu_util'),
    temperature: reading(num(gpu, 'temperature', 'gpu_temp')),
    fanSpeed: num(gpu, 'fan_speed'),
    powerDraw: firstNum(gpu, [
      ['power_readings', 'power_draw'],
      ['gpu_power_readings', 'power_draw'],
      ['gpu_power_readings', 'average_power_draw'],
      ['gpu_power_readings', 'instant_power_draw'],
      ['power_readings', 'average_power_draw'],
      ['power_readings', 'instant_power_draw'],
    ]),
    clockCore: reading(num(gpu, 'clocks', 'graphics_clock')),
    clockMemory: reading(num(gpu, 'clocks', 'mem_clock')),
    uuid: textAt(gpu, 'uuid'),
    pciBusId: textAt(gpu, 'pci', 'pci_bus_id') ?? cell(gpu.attrs['id']),
    driverVersion,
    powerLimit: firstNum(gpu, [
      ['power_readings', 'power_limit'],
      ['gpu_power_readings', 'current_power_limit'],
      ['power_readings', 'enforced_power_limit'],
      ['gpu_power_readings', 'enforced_power_limit'],
    ]),
    memoryUtilization: num(gpu, 'utilization', 'memory_util'),
    encoderUtilization: num(gpu, 'utilization', 'encoder_util'),
    decoderUtilization: num(gpu, 'utilization', 'decoder_util'),
    processes,
  });
  if (migNodes.length > 0) {
    entry.migDevices = migNodes.map((m) => ({
      index: num(m, 'index'),
      gpuInstanceId: num(m, 'gpu_instance_id'),
      computeInstanceId: num(m, 'compute_instance_id'),
      memory: { total: mib(m, 'fb_memory_usage', 'total'), used: mib(m, 'fb_memory_usage', 'used'), free: mib(m, 'fb_memory_usage', 'free') },
    }));
  }
  return entry;
}

/** `nvidia-smi -L`: GPU count and UUIDs (MIG lines are indented and not counted). */
export function parseListGpus(text: string): { index: number; name: string; uuid: string | null; mig: string[] }[] {
  const out: { index: number; name: string; uuid: string | null; mig: string[] }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const gpu = /^GPU (\d+): (.*?)(?: \(UUID: ([^)]+)\))?\s*$/.exec(line);
    if (gpu) {
      out.push({ index: Number(gpu[1]), name: gpu[2]!, uuid: gpu[3] ?? null, mig: [] });
      continue;
    }
    const mig = /^\s+MIG .*\(UUID: ([^)]+)\)/.exec(line);
    if (mig && out.length > 0) out[out.length - 1]!.mig.push(mig[1]!);
  }
  return out;
}
