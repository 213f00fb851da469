// The composed GPU-client trees of spec/fixtures/gpu/trees, ready to use: a copy in a temp dir with
// each process's fd symlinks made from its fd.links list (they are not stored as links: uvu stats
// every file under spec/, and a link to /dev/dri/renderD128 dangles on a machine without a GPU).
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { copyTree } from './proc-trees.js';
import { fixture } from './fake-gpu-path.js';

export type GpuTree = 'amd-shared-client' | 'intel-igpu-browser-llama' | 'intel-arc-xe';

/** A fresh copy of the tree (removed when the spec process exits); `<copy>/proc` and `<copy>/sys`. */
export function gpuTree(name: GpuTree): string {
  const root = copyTree(fixture(`trees/${name}`));
  const proc = join(root, 'proc');
  for (const pid of readdirSync(proc).filter((e) => /^\d+$/.test(e))) {
    const list = join(proc, pid, 'fd.links');
    const lines = readFileSync(list, 'utf8').split('\n').filter(Boolean);
    mkdirSync(join(proc, pid, 'fd'));
    for (const line of lines) {
      const space = line.indexOf(' ');
      symlinkSync(line.slice(space + 1), join(proc, pid, 'fd', line.slice(0, space)));
    }
    rmSync(list);
  }
  return root;
}
