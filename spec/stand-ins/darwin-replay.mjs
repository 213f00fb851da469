// Shared by the macOS stand-ins (ioreg, top, vm_stat, netstat, sysctl, mount): each is named as the
// tool, replays a real capture (spec/fixtures/darwin, provenance in its README) and behaves like the
// tool where the service depends on it: the loop tools print a sample at once and then one every
// <seconds> until killed, and a write into a closed pipe ends them (as SIGPIPE ends the real ones).
//
//   FAKE_<TOOL>_CAPTURE   the capture to replay (tool name in capitals, other characters '_':
//                         FAKE_IOREG_CAPTURE, FAKE_VM_STAT_CAPTURE); default: a real capture
//   FAKE_TOOLS_LOG        append one line per start: "<tool> <args as JSON> <pid> <epoch ms>"
//   FAKE_<TOOL>_EXIT_AFTER=N   a loop tool exits with code 3 after N samples (a tool that dies)
//   FAKE_<TOOL>_HANG=1    print nothing and never exit (a hung tool)
import fs from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'darwin');

export function envName(tool) {
  return tool.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Logs the start, handles HANG, and returns { args, capture text, knobs }. */
export function start(tool, defaultCapture) {
  const args = process.argv.slice(2);
  const env = process.env;
  const name = envName(tool);
  if (env.FAKE_TOOLS_LOG) fs.appendFileSync(env.FAKE_TOOLS_LOG, `${tool} ${JSON.stringify(args)} ${process.pid} ${Date.now()}\n`);
  // A reader that went away: end quietly, as SIGPIPE ends the real tool.
  process.stdout.on('error', () => process.exit(0));
  if (env[`FAKE_${name}_HANG`] === '1') {
    setInterval(() => {}, 1 << 30);
    return undefined;
  }
  const file = env[`FAKE_${name}_CAPTURE`] || join(FIXTURES, defaultCapture);
  const exitAfter = env[`FAKE_${name}_EXIT_AFTER`] ? Number(env[`FAKE_${name}_EXIT_AFTER`]) : Infinity;
  return { args, text: fs.readFileSync(file, 'utf8'), exitAfter };
}

/** The value after a flag (`-s 2`), or undefined. */
export function flag(args, name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Prints sample(0) at once, then sample(n) every `seconds` until `count` samples (0 = forever)
 * or exitAfter (then exit code 3, as a crashing tool would).
 */
export function loop(seconds, count, exitAfter, sample) {
  let n = 0;
  const tick = () => {
    if (n >= exitAfter) {
      process.stderr.write('stand-in: exiting as FAKE_*_EXIT_AFTER asked\n');
      process.exit(3);
    }
    process.stdout.write(sample(n));
    n++;
    if (count > 0 && n >= count) return;
    setTimeout(tick, seconds * 1000);
  };
  tick();
}
