// Preloaded into benchmark workloads (node --import): counts every child process this process
// starts, whatever API started it (spawn, exec, execFile, fork, execa, and the *Sync variants).
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

globalThis.__spawns = 0;
const proto = childProcess.ChildProcess.prototype;
const spawn = proto.spawn;
proto.spawn = function (...args) {
  globalThis.__spawns++;
  return spawn.apply(this, args);
};
for (const name of ['spawnSync', 'execSync', 'execFileSync']) {
  const original = childProcess[name];
  childProcess[name] = function (...args) {
    globalThis.__spawns++;
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();
