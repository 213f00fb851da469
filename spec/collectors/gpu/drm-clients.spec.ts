// The DRM client scanner on composed /proc trees (spec/fixtures/gpu/trees): fd links read, fdinfo
// parsed, one entry per (device, client id), the fd scan on its slower cadence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDrmClientTracker, deviceUsage, processesOf } from '../../../lib/collectors/gpu/drm-clients.js';
import { ROOT } from '../../helpers/service.js';
import { gpuTree } from '../../helpers/gpu-trees.js';

const KIB = 1024;


function tracker(root: string, clock = { now: 0 }, rescanMs = 10_000, fullRescanEvery = 6) {
  return { clock, t: createDrmClientTracker({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), rescanMs, now: () => clock.now, fullRescanEvery }) };
}

test('AMD: two processes sharing client 217 count once (the lower pid), gnome-shell\'s client on the card node too, bash not at all', () => {
  const { t } = tracker(gpuTree('amd-shared-client'));
  const { clients, unreadable } = t.read();
  assert.is(unreadable, 0);
  assert.equal(clients.map((c) => [c.pid, c.name, c.node, c.pdev, c.memory]).sort(), [
    [1500, 'gnome-shell', 'card0', '0000:03:00.0', 262144 * KIB],
    [3100, 'llama-server', 'renderD128', '0000:03:00.0', 5242880 * KIB],
  ]);
  assert.equal(processesOf(clients, '0000:03:00.0'), [
    { pid: 3100, name: 'llama-server', usedMemory: 5242880 * KIB, usage: null },
    { pid: 1500, name: 'gnome-shell', usedMemory: 262144 * KIB, usage: null },
  ]);
  assert.equal(processesOf(clients, '0000:0b:00.0'), [], 'another GPU lists none of them');
});

test('busy % from the second reading: engine ns delta over the interval; the fd list is not scanned again before rescanMs', () => {
  const root = gpuTree('intel-igpu-browser-llama');
  const { t, clock } = tracker(root);
  const first = t.read();
  assert.equal(first.clients.map((c) => c.usage), [null, null]);
  assert.is(deviceUsage(first.clients, '0000:00:02.0'), null);
  // 2 s later llama.cpp's render engine was busy 1.5 s of it; a new process appears (not scanned yet).
  const info = join(root, 'proc/4300/fdinfo/5');
  const text = (ns: number) => `drm-driver: i915\ndrm-client-id: 57\ndrm-pdev: 0000:00:02.0\ndrm-resident-system0: 4194304 KiB\ndrm-engine-render: ${ns} ns\n`;
  writeFileSync(info, text(88_000_000_000 + 1_500_000_000));
  writeFileSync(join(root, 'proc/4300/fdinfo/6'), text(88_000_000_000 + 1_500_000_000));
  symlinkSync('/dev/dri/renderD128', join(root, 'proc/4200/fd/30'));
  writeFileSync(join(root, 'proc/4200/fdinfo/30'), 'drm-driver: i915\ndrm-client-id: 99\ndrm-pdev: 0000:00:02.0\ndrm-engine-render: 5 ns\n');
  clock.now = 2000;
  const second = t.read();
  const llama = second.clients.find((c) => c.pid === 4300)!;
  assert.is(llama.usage, 75);
  assert.is(llama.engines.render, 75);
  assert.is(second.clients.find((c) => c.pid === 4200)!.usage, 0);
  assert.is(deviceUsage(second.clients, '0000:00:02.0'), 75);
  assert.is(second.clients.length, 2, 'client 99 is not known before the next fd scan');
  clock.now = 10_000;
  assert.is(t.read().clients.length, 3, 'the rescan finds it');
});

test('a process that exits or closes its GPU fd drops out; an fdinfo that vanished is skipped without error', () => {
  const root = gpuTree('amd-shared-client');
  const { t, clock } = tracker(root);
  assert.is(t.read().clients.length, 2);
  rmSync(join(root, 'proc/1500'), { recursive: true });
  rmSync(join(root, 'proc/3100/fdinfo/7'));
  clock.now = 2000;
  const { clients } = t.read();
  assert.equal(clients.map((c) => c.pid), [3101], 'the worker still holds client 217');
});

test('other users\' processes: an fd directory that cannot be read is counted in `unreadable`, the rest is listed', () => {
  const root = gpuTree('amd-shared-client');
  chmodSync(root, 0o755);
  chmodSync(join(root, 'proc/1500/fd'), 0o700); // owned by root: another user's process, seen as a user
  // Run as an unprivileged user (root reads every fd directory): a child process with uid nobody.
  const code = `import { createDrmClientTracker } from ${JSON.stringify(join(ROOT, 'lib/collectors/gpu/drm-clients.ts'))};
    const r = createDrmClientTracker({ procRoot: ${JSON.stringify(join(root, 'proc'))}, sysRoot: ${JSON.stringify(join(root, 'sys'))}, rescanMs: 1e4, now: () => 0 }).read();
    console.log(JSON.stringify({ unreadable: r.unreadable, pids: r.clients.map((c) => c.pid) }));`;
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', ...asUser });
  assert.is(out.status, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout), { unreadable: 1, pids: [3100] });
});

test('an established process that opens a GPU late is found at the next full pass; a young one at the next scan', () => {
  const root = gpuTree('amd-shared-client');
  const { t, clock } = tracker(root, { now: 0 }, 10_000, 3);
  const open = (pid: number, fd: number, id: number) => {
    symlinkSync('/dev/dri/renderD128', join(root, `proc/${pid}/fd/${fd}`));
    writeFileSync(join(root, `proc/${pid}/fdinfo/${fd}`), `drm-driver:\tamdgpu\ndrm-pdev:\t0000:03:00.0\ndrm-client-id:\t${id}\ndrm-memory-vram:\t4 KiB\n`);
  };
  const pids = () => t.read().clients.map((c) => c.pid).sort();
  assert.equal(pids(), [1500, 3100]); // scan 0: a full pass
  for (const at of [10_000, 20_000, 30_000]) { clock.now = at; pids(); } // scans 1–3 (3 is full)
  open(1600, 40, 300); // bash, seen since scan 0: established, not listed between full passes
  for (const at of [40_000, 50_000]) {
    clock.now = at;
    assert.equal(pids(), [1500, 3100], `scan ${at / 10_000}: not yet`);
  }
  clock.now = 60_000;
  assert.equal(pids(), [1500, 1600, 3100], 'scan 6, the next full pass: found');
  open(1600, 41, 301);
  clock.now = 70_000;
  assert.is(t.read().clients.filter((c) => c.pid === 1600).length, 2, 'a known GPU client is listed on every scan');
});

test.run();
