// The agent child's life, with the powershell.exe stand-in (spec/stand-ins/): shared by every
// user, ended at the last release by closing its stdin, and replaced with backoff when it prints
// garbage, exits or hangs; each failure is one clear line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/service.js';
import { sleep, until } from '../../helpers/wait.js';
import { createAgentPool, type AgentPoolOptions } from '../../../lib/platform/win32/agent-pool.js';

const POWERSHELL = join(ROOT, 'spec', 'stand-ins', 'powershell.exe');

function setup(settings: Record<string, string> = {}, options: Partial<AgentPoolOptions> = {}) {
  const dir = mkdtempSync(join(os.tmpdir(), 'widgets-agent-'));
  const log = join(dir, 'tools.log');
  const failures: string[] = [];
  const pool = createAgentPool({
    powershell: POWERSHELL,
    backoffMs: 200,
    env: { ...process.env, FAKE_TOOLS_LOG: log, ...settings },
    onFailure: (reason) => failures.push(reason),
    ...options,
  });
  const starts = () => { try { return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean); } catch { return []; } };
  const pids = () => starts().map((line) => Number(line.split(' ')[1]));
  return { dir, pool, failures, starts, pids, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** uvu's assert has no rejects(): the promise must reject with a message matching `pattern`. */
async function rejects(promise: Promise<unknown>, pattern: RegExp, what = ''): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `rejected ${what}`);
  assert.match((error as Error).message, pattern, what);
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('one child for every user; the last release closes its stdin and it ends by itself', async () => {
  const t = setup();
  const a = t.pool.acquire();
  const b = t.pool.acquire();
  const [processes, network] = await Promise.all([a.request('processes'), b.request('network')]);
  assert.is((processes as unknown[]).length, 48);
  assert.is((network as unknown[]).length, 4);
  await a.request('swap');
  assert.is(t.starts().length, 1, 'one start for both users and three requests');
  const [pid] = t.pids();
  a.release();
  await b.request('drives');
  assert.ok(alive(pid!), 'still running while one user is left');
  b.release();
  await until(() => !alive(pid!), 1500, 'the agent to end at stdin EOF (before the 2 s kill)');
  assert.equal(t.failures, [], 'ending is not a failure');
  t.done();
});

test('garbage on stdout: the request fails saying so, the child is ended, a new one starts after the backoff', async () => {
  const t = setup({ FAKE_POWERSHELL_EXE_GARBAGE_AFTER: '1' });
  const lease = t.pool.acquire();
  await lease.request('processes');
  const [first] = t.pids();
  await rejects(lease.request('network'), /powershell agent: agent printed something that is not JSON: "Add-Type : Cannot add type/);
  await until(() => !alive(first!), 1000, 'the garbage-printing child to be ended');
  await rejects(lease.request('network'), /not JSON.*\(starting again in 1 s\)/, 'during the backoff: the last failure, and when it retries');
  await sleep(250);
  assert.ok(Array.isArray(await lease.request('network')), 'a new child answers');
  assert.is(t.starts().length, 2);
  assert.is(t.failures.length, 1);
  lease.release();
  t.done();
});

test('a child that exits: its requests fail with the exit code and its last stderr line', async () => {
  const t = setup({ FAKE_POWERSHELL_EXE_EXIT_AFTER: '1' });
  const lease = t.pool.acquire();
  await lease.request('cpu');
  await rejects(lease.request('swap'), /powershell agent: exited with code 3: powershell\.exe stand-in: exiting as FAKE_POWERSHELL_EXE_EXIT_AFTER asks/);
  lease.release();
  t.done();
});

test('a child that stops answering is ended after stallMs; the sample\'s own deadline only drops the wait', async () => {
  const t = setup({ FAKE_POWERSHELL_EXE_HANG_AFTER: '1' }, { stallMs: 300 });
  const lease = t.pool.acquire();
  await lease.request('processes');
  const [pid] = t.pids();
  const deadline = new AbortController();
  const dropped = lease.request('network', { signal: deadline.signal });
  deadline.abort();
  await rejects(dropped, /no answer to "network" yet/);
  assert.ok(alive(pid!), 'a missed sample deadline does not end the child');
  await rejects(lease.request('drives'), /powershell agent: no answer to "(network|drives)" within 300 ms/);
  await until(() => !alive(pid!), 1000, 'the hung child to be ended');
  lease.release();
  t.done();
});

test('adopt: the nvidia-smi loop child\'s pid is handed to the agent (its Job Object on Windows)', async () => {
  const t = setup();
  const adoptLog = join(t.dir, 'adopt.log');
  const pool = createAgentPool({ powershell: POWERSHELL, env: { ...process.env, FAKE_POWERSHELL_EXE_ADOPT_LOG: adoptLog } });
  const lease = pool.acquire();
  assert.equal(await lease.request('adopt', { pid: 4711 }), { adopted: 4711 });
  assert.is(readFileSync(adoptLog, 'utf8'), '4711\n');
  lease.release();
  t.done();
});

test('no powershell.exe: a clear reason, no crash', async () => {
  const t = setup({}, { powershell: undefined, env: { PATH: '/nonexistent' } });
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    const lease = t.pool.acquire();
    await rejects(lease.request('processes'), /powershell agent: powershell\.exe not found on PATH/);
    lease.release();
  } finally {
    process.env.PATH = saved;
    t.done();
  }
});

test.run();
