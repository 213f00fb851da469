// Builds a temp directory with `nvidia-smi`, `rocm-smi` and `amd-smi` links to the stand-ins in
// spec/tools, and an environment whose PATH starts with it, so the real collector spawns them.
import { mkdtempSync, rmSync, symlinkSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SPEC_TOOLS = path.resolve(here, '..', 'tools');
export const GPU_FIXTURES = path.resolve(here, '..', 'fixtures', 'gpu');

/** Absolute path of a fixture under spec/fixtures/gpu, e.g. fixture('nvidia-smi/query-gpu-….csv'). */
export function fixture(relative: string): string {
  return path.join(GPU_FIXTURES, relative);
}

export interface FakeGpuPath {
  /** The temp dir holding the links. */
  dir: string;
  /** process.env plus PATH = dir first, plus the variables given. */
  env: NodeJS.ProcessEnv;
  /** Files the stand-ins write to (created on first use). */
  log: string;
  pidFile: string;
  appsLog: string;
  /** Lines of the invocation log, parsed. */
  calls(): string[][];
  /** Pids the fake nvidia-smi ran as, with their arguments. */
  pids(): { pid: number; args: string[] }[];
  cleanup(): void;
}

export type FakeTool = 'nvidia-smi' | 'rocm-smi' | 'amd-smi';

/**
 * @param tools which stand-ins to put on PATH (default: all three)
 * @param vars FAKE_* variables for the stand-ins
 * @param keepSystemPath whether the rest of PATH follows (default: only the directory of `node`,
 *   so a real nvidia-smi on the test machine is never found)
 */
export function fakeGpuPath(vars: Record<string, string> = {}, tools: FakeTool[] = ['nvidia-smi', 'rocm-smi', 'amd-smi'], keepSystemPath = false): FakeGpuPath {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-gpu-'));
  const target: Record<FakeTool, string> = {
    'nvidia-smi': path.join(SPEC_TOOLS, 'fake-nvidia-smi'),
    'rocm-smi': path.join(SPEC_TOOLS, 'fake-rocm-smi'),
    'amd-smi': path.join(SPEC_TOOLS, 'fake-rocm-smi'),
  };
  for (const tool of tools) symlinkSync(target[tool], path.join(dir, tool));
  const log = path.join(dir, 'calls.log');
  const pidFile = path.join(dir, 'pids.log');
  const appsLog = path.join(dir, 'apps.log');
  const nodeDir = path.dirname(process.execPath); // the stand-ins start with `#!/usr/bin/env node`
  const rest = keepSystemPath ? process.env.PATH ?? '' : `${nodeDir}:/usr/bin:/bin`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dir}:${rest}`,
    FAKE_NVIDIA_SMI_LOG: log,
    FAKE_NVIDIA_SMI_PIDFILE: pidFile,
    FAKE_NVIDIA_SMI_APPS_LOG: appsLog,
    FAKE_ROCM_SMI_LOG: log,
    ...vars,
  };
  const readLines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  return {
    dir,
    env,
    log,
    pidFile,
    appsLog,
    calls: () => readLines(log).map((l) => JSON.parse(l) as string[]),
    pids: () => readLines(pidFile).map((l) => {
      const space = l.indexOf(' ');
      return { pid: Number(l.slice(0, space)), args: JSON.parse(l.slice(space + 1)) as string[] };
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Is a process with this pid still running (and not a zombie we could not reap)? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(' ')[2] !== 'Z';
  } catch {
    return true;
  }
}
