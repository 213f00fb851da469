// Every Node the package claims (engines: >= 20.5): the end-to-end subset (the contract over REST,
// WebSocket, the first seconds, the optimizer switch, the heap trim and the V8 probes) run again on
// the current LTS lines, with that line's official binary as the node of the specs and so of the
// service they start. The binaries come from scripts/fetch-node-lines.mjs (run by `npm test`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { ROOT } from './helpers/service.js';
import { fetchedLines } from '../scripts/fetch-node-lines.mjs';

/** The subset, as a uvu pattern on paths under spec/. */
export const SUBSET = '(e2e/(rest|ws-cli|first-seconds|v8-refusal)|lifecycle/(optimizer|heap-trim|v8-probe))\\.spec\\.ts$';
const LIMIT_MS = 180_000;

interface Outcome { code: number | null; output: string }

function runSubset(node: string, line: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.FORCE_COLOR;
    const child = spawn(node, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'spec', SUBSET], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Without colours, and without uvu's summary lines: .ci/run counts the last "Total:" it sees,
      // which must stay the whole suite's even when this output is quoted in a failure.
      resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, '').replace(/^ *(Total|Passed|Skipped|Duration):.*$/gm, (l) => `(Node ${line}) ${l.trim()}`) });
    });
  });
}

for (const { line, binary, present, from } of fetchedLines()) {
  test(`Node ${line} (${from ?? 'not fetched'}): the end-to-end subset passes with it as the service's node`, async () => {
    if (process.platform !== 'linux') return console.log(`node-lines: Node ${line} is checked on Linux (CI) only`);
    assert.ok(present, `no Node ${line} binary in .cache/node-lines: run node scripts/fetch-node-lines.mjs (npm test does)`);
    const { code, output } = await runSubset(binary, line);
    const total = Number(/\) Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
    const passed = Number(/\) Passed:\s+(\d+)/.exec(output)?.[1] ?? 0);
    const failures = output.split('\n').filter((l) => /FAIL|Error|✘/.test(l)).slice(0, 20).join('\n');
    assert.ok(total >= 30, `the subset ran (${total} specs); output ends:\n${output.slice(-2000)}`);
    assert.is(passed, total, `${total - passed} of ${total} failed on Node ${line}:\n${failures}\n…\n${output.slice(-3000)}`);
    assert.is(code, 0, `exit code ${code}; output ends:\n${output.slice(-2000)}`);
  });
}

test.run();
