// What every stand-in in this folder shares (the convention, README.md here):
//   - it is named as the tool it stands in for (ioreg, top, vm_stat, powershell.exe, …);
//   - it replays the capture named by FAKE_<TOOL>_CAPTURE (the tool's name in capitals, every
//     other character as `_`: powershell.exe -> FAKE_POWERSHELL_EXE_CAPTURE), or its default
//     real capture in captures/ when that is unset;
//   - it appends one line per start to the file named by FAKE_TOOLS_LOG: `<tool> <pid> <args as JSON>`,
//     so a spec can count the processes the service started.
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CAPTURES = join(dirname(fileURLToPath(import.meta.url)), 'captures');

/** FAKE_POWERSHELL_EXE for powershell.exe: the prefix of every variable a stand-in reads. */
export function envPrefix(tool) {
  return `FAKE_${tool.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The capture file to replay: FAKE_<TOOL>_CAPTURE, or `captures/<defaultName>`. */
export function captureFile(tool, defaultName, env = process.env) {
  return env[`${envPrefix(tool)}_CAPTURE`] || join(CAPTURES, defaultName);
}

export function readCapture(tool, defaultName, env = process.env) {
  return readFileSync(captureFile(tool, defaultName, env), 'utf8');
}

/** One line per start in FAKE_TOOLS_LOG (nothing when unset). */
export function logStart(tool, args = process.argv.slice(2), env = process.env) {
  if (env.FAKE_TOOLS_LOG) appendFileSync(env.FAKE_TOOLS_LOG, `${tool} ${process.pid} ${JSON.stringify(args)}\n`);
}

/** A whole-number setting FAKE_<TOOL>_<NAME>, or undefined. */
export function numberSetting(tool, name, env = process.env) {
  const text = env[`${envPrefix(tool)}_${name}`];
  return text === undefined || text === '' ? undefined : Number(text);
}
