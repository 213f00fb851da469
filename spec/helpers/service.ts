import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What `npm start` and the package's bin run: the bundle `npm run build` (and npm ci) makes. */
export const CLI = join(ROOT, 'dist', 'widgets-service.mjs');

/**
 * The environment a user's shell would give the service: uvu sets FORCE_COLOR=1 for itself, and
 * with a NO_COLOR from the user's shell Node would print a warning into the service's stderr.
 */
function userEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.FORCE_COLOR;
  return env;
}

export interface RunningService {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the service wrote to stderr so far. */
  stderr(): string;
  /** Sends the signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts the built service (`dist/widgets-service.mjs`, as `npm start`) on an ephemeral port, as a user would run it. */
export function startService(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningService> {
  return startProcess(process.execPath, [CLI, '--port', '0', ...args], env);
}

/** Starts any command that serves the service and logs `listening on <url>` to stderr (the CLI, a bundle, a script). */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<RunningService> {
  const child = spawn(command, args, {
    env: userEnv(env),
    ...(cwd ? { cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start within 10 s; stderr: ${err}`));
    }, 10_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /listening on (https?:\/\/\S+?:(\d+))/.exec(err);
      if (m && m[1] && m[2]) {
        clearTimeout(timer);
        const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        };
        resolve({ url: m[1], port: Number(m[2]), child, stderr: () => err, stop, exited });
      }
    });
    child.stdout!.resume();
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening; stderr: ${err}`));
    });
  });
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: userEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON; the caller asserts on the text
  }
  return { status: res.status, headers: res.headers, body };
}
