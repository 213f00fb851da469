// The other platforms' collectors, run here beside the Linux path in the same steady-state window:
// the service with `--platform win32` and the stand-ins (spec/stand-ins/) first on PATH, one
// WebSocket client on every topic. Its CPU figure (process tree) includes the stand-in agent, a
// Node script, not Windows PowerShell: the agent is also measured alone, so the service's own share
// is the difference. What a real PowerShell agent costs can only be measured on Windows.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { root, sleep, startService, type Running } from './systems.js';

const STAND_INS = join(root, 'spec', 'stand-ins');

export async function startWin32Path(intervalMs: number): Promise<Running[]> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-win32-'));
  const log = join(dir, 'tools.log');
  const service = await startService({
    intervalMs,
    clients: 1,
    name: 'widgets-service --platform win32 (stand-ins), incl. agent',
    args: ['--platform', 'win32'],
    env: { PATH: `${STAND_INS}:${process.env.PATH ?? ''}`, FAKE_TOOLS_LOG: log },
  });
  let agentPid = 0;
  for (let i = 0; i < 50 && !agentPid; i++) {
    try {
      agentPid = Number(readFileSync(log, 'utf8').split(' ')[1]) || 0;
    } catch { /* not started yet */ }
    if (!agentPid) await sleep(100);
  }
  const starts = () => { try { return readFileSync(log, 'utf8').trim().split('\n').length; } catch { return 0; } };
  const stop = async () => {
    console.log(`  win32 path: ${starts()} tool start(s) in FAKE_TOOLS_LOG over the whole run`);
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const agent: Running = { name: 'win32 stand-in agent (node, not PowerShell)', pid: agentPid, samples: () => 0, stop: async () => undefined };
  return agentPid ? [{ ...service, stop }, agent] : [{ ...service, stop }];
}
