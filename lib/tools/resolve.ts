// Finding a tool: searched on PATH here, once, and then always run by absolute path, never
// through a shell, so neither the cwd nor a later PATH change decides which binary runs.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

const resolved = new Map<string, string | null>();

/**
 * Find `name` on PATH (and PATHEXT on Windows) and return its absolute path, or null.
 * An absolute or relative path with a separator is checked as is. Results are cached per PATH.
 */
export function resolveTool(name: string, pathEnv: string | undefined = process.env.PATH, platform = process.platform): string | null {
  const key = `${platform}\0${pathEnv ?? ''}\0${name}`;
  if (resolved.has(key)) return resolved.get(key)!;
  const found = search(name, pathEnv, platform);
  resolved.set(key, found);
  return found;
}

/** Forget cached look-ups (specs that rebuild PATH). */
export function clearToolCache(): void {
  resolved.clear();
}

function search(name: string, pathEnv: string | undefined, platform: NodeJS.Platform): string | null {
  const exts = platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    const abs = path.resolve(name);
    return isExecutable(abs, platform) ? abs : null;
  }
  const delimiter = platform === 'win32' ? ';' : ':';
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue; // a relative PATH entry would depend on the cwd
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate, platform)) return candidate;
    }
  }
  return null;
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
