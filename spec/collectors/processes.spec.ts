import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler, firstValueFrom, map, take } from 'rxjs';
import { displayName, processesCollector, procfsProcessSampler } from '../../lib/collectors/processes.js';
import { COMMAND_LINE, DEFAULT_PROCESS_MATCHER, selectProcesses } from '../../lib/collectors/process-matcher.js';
import { DEBIAN, copyTree, linuxContext, writeFixture } from '../helpers/proc-trees.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const MEM_TOTAL = 24684092 * 1024; // the captured VM's MemTotal

/** A /proc/<pid>/stat line with the fields the collector reads; the rest zero. */
function statLine(pid: number, comm: string, state: string, utime: number, stime: number, starttime: number, rss: number) {
  const fields = Array.from({ length: 52 }, () => '0');
  const set = (n: number, v: string | number) => { fields[n - 1] = String(v); };
  set(1, pid); set(2, `(${comm})`); set(3, state); set(4, 1); set(14, utime); set(15, stime); set(22, starttime); set(24, rss);
  return fields.join(' ') + '\n';
}

function smallTree() {
  const root = copyTree(DEBIAN);
  for (const pid of ['2', '10', '4724', '4725', '4726']) fs.rmSync(join(root, 'proc', pid), { recursive: true });
  writeFixture(root, 'proc/100/stat', statLine(100, 'python3', 'R', 100, 50, 5000, 25_000));
  writeFixture(root, 'proc/100/cmdline', 'python3\0train.py\0--hf-token\0hf_SECRET\0');
  writeFixture(root, 'proc/100/environ', 'HF_TOKEN=hf_SECRET\0');
  writeFixture(root, 'proc/200/stat', statLine(200, 'llama-server-wo', 'S', 10, 0, 6000, 1000));
  writeFixture(root, 'proc/200/cmdline', '/opt/llama.cpp/build/bin/llama-server-worker\0-m\0q.gguf\0');
  writeFixture(root, 'proc/300/stat', statLine(300, 'kworker/0:1', 'I', 0, 0, 21, 0));
  writeFixture(root, 'proc/300/cmdline', '');
  return root;
}

/** 250 ms later: python used 25 ticks (0.25 s of CPU: 100 %), llama-server 5 ticks (20 %). */
function advance(root: string) {
  writeFixture(root, 'proc/100/stat', statLine(100, 'python3', 'R', 120, 55, 5000, 25_000));
  writeFixture(root, 'proc/200/stat', statLine(200, 'llama-server-wo', 'D', 15, 0, 6000, 1000));
}

test('CPU % over the interval like top, busiest first, memory from RSS pages, status as a word', () => {
  const root = smallTree();
  virtual().run(({ expectObservable, cold }) => {
    cold('100ms a').subscribe(() => advance(root));
    const rows = processesCollector(linuxContext(root, asyncScheduler), {}).pipe(
      map((s) => s.value.map((p) => ({ ...p }))),
      take(1),
    );
    expectObservable(rows).toBe('250ms (a|)', {
      a: [
        { pid: 100, name: 'python3', cpu: 100, memory: Math.round((25_000 * 4096 / MEM_TOTAL) * 10000) / 100, status: 'running', rss: 25_000 * 4096 },
        { pid: 200, name: 'llama-server-worker', cpu: 20, memory: Math.round((1000 * 4096 / MEM_TOTAL) * 10000) / 100, status: 'disk-sleep', rss: 1000 * 4096 },
        { pid: 300, name: 'kworker/0:1', cpu: 0, memory: 0, status: 'idle', rss: 0 },
      ],
    });
  });
});

test('a pid reused by a new process is not charged with the old one\'s ticks', () => {
  const root = smallTree();
  const sampler = procfsProcessSampler({ procRoot: join(root, 'proc'), scheduler: clock([0, 1000]) });
  sampler.baseline!(new AbortController().signal);
  // pid 100 exited and a new process got its pid: new start time, 30 ticks in its life so far.
  writeFixture(root, 'proc/100/stat', statLine(100, 'bash', 'S', 20, 10, 9000, 100));
  writeFixture(root, 'proc/100/cmdline', 'bash\0');
  const result = sampler.sample(new AbortController().signal);
  const p100 = (result as Awaited<typeof result>).value.find((p) => p.pid === 100)!;
  assert.is(p100.name, 'bash');
  assert.is(p100.cpu, 30);
});

test('the command line is absent by default and never serialised; environ is never read', async () => {
  const root = smallTree();
  const reads = spyOnReads();
  try {
    const sample = await firstValueFrom(processesCollector(linuxContext(root, asyncScheduler, { primeMs: 1 }), {}));
    const python = sample.value.find((p) => p.pid === 100)!;
    assert.is(python.command, undefined);
    assert.not.match(JSON.stringify(sample.value), /hf_SECRET/);
    assert.is(reads.paths.some((p) => p.endsWith('environ')), false);
  } finally {
    reads.restore();
  }
});

test('exposeCommandLine: true adds command', async () => {
  const root = smallTree();
  const sample = await firstValueFrom(processesCollector(linuxContext(root, asyncScheduler, { primeMs: 1 }), { exposeCommandLine: true }));
  assert.is(sample.value.find((p) => p.pid === 100)!.command, 'python3 train.py --hf-token hf_SECRET');
});

test('the command line is read once per process lifetime, and matching can use it', () => {
  const root = smallTree();
  const reads = spyOnReads();
  try {
    const sampler = procfsProcessSampler({ procRoot: join(root, 'proc'), scheduler: clock([0, 1000, 2000]) });
    const signal = new AbortController().signal;
    sampler.baseline!(signal);
    sampler.sample(signal);
    const last = sampler.sample(signal) as { value: Parameters<typeof selectProcesses>[0] };
    assert.is(reads.paths.filter((p) => p.endsWith('/200/cmdline')).length, 1);
    const main = last.value.find((p) => p.pid === 200)!;
    assert.is(main[COMMAND_LINE], '/opt/llama.cpp/build/bin/llama-server-worker -m q.gguf');
    assert.equal(selectProcesses(last.value, { matcher: DEFAULT_PROCESS_MATCHER }).map((p) => p.pid), [100, 200]);
  } finally {
    reads.restore();
  }
});

test('the captured processes: a truncated comm gets its full name from argv[0]', async () => {
  const sample = await firstValueFrom(processesCollector(linuxContext(DEBIAN, asyncScheduler, { primeMs: 1 }), {}));
  const byPid = new Map(sample.value.map((p) => [p.pid, p]));
  assert.is(byPid.get(4724)?.name, 'llama-server-worker');
  assert.is(byPid.get(4725)?.name, 'python3');
  assert.is(byPid.get(4726)?.name, 'node');
  assert.is(byPid.get(2)?.name, 'kthreadd');
  assert.is(byPid.get(10)?.status, 'idle');
  assert.is(byPid.get(4724)?.rss, 10075 * 4096);
  assert.is(sample.value.length, 5);
});

test('displayName keeps comm unless it was cut and argv[0] continues it', () => {
  assert.is(displayName('llama-server-wo', '/opt/bin/llama-server-worker'), 'llama-server-worker');
  assert.is(displayName('python3', '/usr/bin/python3.11'), 'python3');
  assert.is(displayName('text-generation', 'nginx: worker process'), 'text-generation');
  assert.is(displayName('kworker/0:0H-kb', undefined), 'kworker/0:0H-kb');
});

/** A scheduler whose now() steps through the given times, one per call. */
function clock(times: number[]) {
  let i = 0;
  return { now: () => times[Math.min(i++, times.length - 1)]!, schedule: asyncScheduler.schedule.bind(asyncScheduler) };
}

function spyOnReads() {
  const original = fs.readFileSync;
  const paths: string[] = [];
  fs.readFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    paths.push(String(path));
    return (original as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  syncBuiltinESMExports();
  return {
    paths,
    restore() {
      fs.readFileSync = original;
      syncBuiltinESMExports();
    },
  };
}

test.run();
