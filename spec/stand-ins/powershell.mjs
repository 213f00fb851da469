// The powershell.exe stand-in's body (powershell.exe, beside it, runs this with node: Node will
// not load a module whose name ends in .exe). It plays the widgets-service Windows agent the way
// Windows PowerShell 5.1 runs it (-Command <bootstrap>): the first stdin line must be the agent
// script in base64 (anything else ends it with an error, as the real bootstrap would fail), then
// it says it is ready and answers one JSON line per request line from the capture, the n-th
// request of an op getting the capture's n-th answer for it (round robin). It ends at stdin EOF.
// Settings (prefix FAKE_POWERSHELL_EXE_):
//   CAPTURE        the capture JSON (default captures/powershell-exe.json, from real Windows outputs)
//   GARBAGE_AFTER  after N answers, print a line that is not the protocol (then go on)
//   EXIT_AFTER     after N answers, print a line on stderr and exit with code 3
//   HANG_AFTER     after N answers, read on but answer nothing more
//   ADOPT_LOG      append `<pid>` for each "adopt" request (the Job Object hand-over)
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { logStart, numberSetting, readCapture, envPrefix } from './replay.mjs';

const TOOL = 'powershell.exe';
logStart(TOOL);
const capture = JSON.parse(readCapture(TOOL, 'powershell-exe.json'));
const garbageAfter = numberSetting(TOOL, 'GARBAGE_AFTER');
const exitAfter = numberSetting(TOOL, 'EXIT_AFTER');
const hangAfter = numberSetting(TOOL, 'HANG_AFTER');
const adoptLog = process.env[`${envPrefix(TOOL)}_ADOPT_LOG`];

const args = process.argv.slice(2);
if (!args.includes('-Command')) {
  process.stderr.write('powershell.exe stand-in: only the agent\'s -Command bootstrap is simulated\n');
  process.exit(1);
}

const served = new Map();
let answers = 0;
let first = true;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const write = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

lines.on('line', (line) => {
  if (first) {
    first = false;
    const script = Buffer.from(line.trim(), 'base64').toString('utf8');
    if (!script.includes('public static class WidgetsAgent') || !script.includes('[Console]::In.ReadLine()')) {
      process.stderr.write('powershell.exe stand-in: the first line is not the agent script in base64\n');
      process.exit(1);
    }
    write({ ready: true, agent: 1 });
    return;
  }
  if (hangAfter !== undefined && answers >= hangAfter) return;
  // The same single form agent.ps1 accepts.
  const m = /^\{"id":(\d+),"op":"([a-z]+)"(?:,"pid":(\d+))?\}$/.exec(line.trim());
  if (!m) return write({ id: 0, ok: false, error: 'unreadable request' });
  const [, id, op, pid] = m;
  answers++;
  if (exitAfter !== undefined && answers > exitAfter) {
    process.stderr.write('powershell.exe stand-in: exiting as FAKE_POWERSHELL_EXE_EXIT_AFTER asks\n');
    process.exit(3);
  }
  if (garbageAfter !== undefined && answers > garbageAfter) {
    process.stdout.write('Add-Type : Cannot add type. The type name \'WidgetsAgent\' already exists.\n');
    return;
  }
  if (op === 'adopt') {
    if (adoptLog) appendFileSync(adoptLog, `${pid}\n`);
    return write({ id: Number(id), ok: true, data: { adopted: Number(pid) } });
  }
  const list = capture.answers[op];
  if (!Array.isArray(list) || list.length === 0) return write({ id: Number(id), ok: false, error: `unknown op ${op}` });
  const n = served.get(op) ?? 0;
  served.set(op, n + 1);
  write({ id: Number(id), ok: true, data: list[n % list.length] });
});
lines.on('close', () => process.exit(0));
