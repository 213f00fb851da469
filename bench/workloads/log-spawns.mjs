// Preloaded into a service under benchmark (node --import): appends one line per child process it
// starts, whatever API started it (execa, spawn, exec*, the *Sync variants), to the file named by
// BENCH_SPAWN_LOG: `<file> <args as JSON>`. Counts what the service starts on any platform path,
// real tools included, where FAKE_TOOLS_LOG sees only the stand-ins.
import childProcess from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.BENCH_SPAWN_LOG;
if (log) {
  const note = (file, args) => appendFileSync(log, `${file} ${JSON.stringify(args ?? [])}\n`);
  const proto = childProcess.ChildProcess.prototype;
  const spawn = proto.spawn;
  proto.spawn = function (options) {
    note(options?.file, options?.args?.slice(1));
    return spawn.call(this, options);
  };
  for (const name of ['spawnSync', 'execSync', 'execFileSync']) {
    const original = childProcess[name];
    childProcess[name] = function (file, ...rest) {
      note(file, Array.isArray(rest[0]) ? rest[0] : []);
      return original.call(this, file, ...rest);
    };
  }
  syncBuiltinESMExports();
}
