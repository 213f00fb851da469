/**
 * Kill a child and its whole process group at once (every tool runs in its own group, so this
 * also reaches anything the tool started). Safe to call twice or after it exited.
 */
export function killTree(child: { pid?: number | undefined; kill: (signal?: NodeJS.Signals) => boolean }): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  try {
    child.kill('SIGKILL');
  } catch {
    /* already gone */
  }
}
