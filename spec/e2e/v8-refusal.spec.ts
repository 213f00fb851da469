// The built service on a V8 that refuses the lean-memory tricks: it says so in one line each and
// serves as usual, instead of dying at start-up (code generation from strings disallowed made it
// exit with "Code generation from strings disallowed for this context"; frozen flags abort V8).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, getJson, startProcess } from '../helpers/service.js';
import { firstStats } from '../helpers/ws-client.js';

async function serveWith(nodeOptions: string[]): Promise<string> {
  const service = await startProcess(process.execPath, [...nodeOptions, CLI, '--port', '0', '--interval', '500ms']);
  try {
    const stats = await getJson(`${service.url}/api/stats`);
    assert.is(stats.status, 200);
    assert.type(stats.body.cpu.usage, 'number');
    assert.type((await firstStats(service.url.replace(/^http/, 'ws') + '/ws/stats')).memory.total, 'number');
  } finally {
    assert.is(await service.stop(), 0, 'stopped cleanly');
  }
  return service.stderr();
}

test('code generation from strings disallowed: lean start and heap trim off, with the reason, and the service serves', async () => {
  const log = await serveWith(['--disallow-code-generation-from-strings']);
  assert.match(log, /info lean start off, V8's compilers stay on \(as --optimizer on\): cannot check V8's flags: V8 refused %GetOptimizationStatus\(f\): EvalError: Code generation from strings disallowed/);
  assert.match(log, /info heap trim off: V8 refused %CollectGarbage\(true\): EvalError/);
});

test('flags frozen at start-up: nothing is set (V8 would abort), both tricks off with the reason', async () => {
  const log = await serveWith(['--freeze-flags-after-init']);
  assert.match(log, /lean start off, .*: cannot check V8's flags: V8 flags are frozen \(--freeze-flags-after-init\)/);
  assert.match(log, /heap trim off: V8 flags are frozen/);
});

test('on this Node as it comes, neither trick is refused', async () => {
  const log = await serveWith([]);
  assert.not.match(log, /lean start off|heap trim off/);
});

test.run();
