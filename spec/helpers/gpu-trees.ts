// The composed GPU-client trees of spec/fixtures/gpu/trees, ready to use: a copy in a temp dir
// where the parts that are not stored as they appear on a real system are made:
//   - each process's fd symlinks, from its fd.links list (uvu stats every file under spec/, and a
//     link to /dev/dri/renderD128 dangles on a machine without a GPU);
//   - sys/device → sys/bus/pci/devices/<bus id>, and sys/class/drm/<node>/device links to it, from
//     sys/layout (a bus id holds ':', which a Windows checkout refuses, and links are not portable).
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { copyTree } from './proc-trees.js';
import { fixture } from './fake-gpu-path.js';

export type GpuTree = 'amd-shared-client' | 'intel-igpu-browser-llama' | 'intel-arc-xe';

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean)
  .map((line) => { const space = line.indexOf(' '); return [line.slice(0, space), line.slice(space + 1)] as const; });

/** A fresh copy of the tree (removed when the spec process exits); `<copy>/proc` and `<copy>/sys`. */
export function gpuTree(name: GpuTree): string {
  const root = copyTree(fixture(`trees/${name}`));
  const proc = join(root, 'proc');
  for (const pid of readdirSync(proc).filter((e) => /^\d+$/.test(e))) {
    const list = join(proc, pid, 'fd.links');
    mkdirSync(join(proc, pid, 'fd'));
    for (const [fd, target] of lines(list)) symlinkSync(target, join(proc, pid, 'fd', fd));
    rmSync(list);
  }
  const sys = join(root, 'sys');
  const layout = lines(join(sys, 'layout'));
  const bus = layout.find(([k]) => k === 'bus')![1];
  mkdirSync(join(sys, 'bus', 'pci', 'devices'), { recursive: true });
  renameSync(join(sys, 'device'), join(sys, 'bus', 'pci', 'devices', bus));
  for (const [, node] of layout.filter(([k]) => k === 'node')) {
    mkdirSync(join(sys, 'class', 'drm', node), { recursive: true });
    symlinkSync(`../../../bus/pci/devices/${bus}`, join(sys, 'class', 'drm', node, 'device'));
  }
  rmSync(join(sys, 'layout'));
  return root;
}
