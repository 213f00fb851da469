import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { classifyNvidiaError, explainQueryFailure } from '../../../lib/collectors/gpu/nvidia-errors.js';
import { ToolError } from '../../../lib/tools/run-tool.js';

const read = (name: string) => readFileSync(fixture(`nvidia-smi/${name}`), 'utf8');

const CASES: [string, string, RegExp][] = [
  ['error-driver-not-loaded.txt', 'driver', /cannot talk to the NVIDIA driver/],
  ['error-no-devices-found.txt', 'no-devices', /No devices were found/],
  ['error-nvml-driver-library-mismatch-old.txt', 'driver', /driver\/library version mismatch; reboot/],
  ['error-nvml-driver-library-mismatch-570.txt', 'driver', /mismatch \(NVML library 570\.124\)/],
  ['error-invalid-query-field.txt', 'invalid-field', /does not know the field "device_minor"/],
  ['error-libnvidia-ml-not-found.txt', 'driver', /libnvidia-ml\.so not found/],
  ['error-gpu-lost.txt', 'gpu-lost', /GPU 0000:03:00\.0 is lost/],
  ['error-device-handle-unknown-error.txt', 'gpu-lost', /cannot open GPU 0000:07:00\.0 \(Unknown Error\)/],
];

for (const [file, kind, message] of CASES) {
  test(`${file} is classified as ${kind}, in one line`, () => {
    const c = classifyNvidiaError(read(file));
    assert.is(c.kind, kind);
    assert.match(c.message, message);
    assert.match(c.message, /^nvidia-smi: /);
    assert.not.match(c.message, /\n/);
  });
}

test('anything else keeps its first line', () => {
  assert.equal(classifyNvidiaError('\n  Segmentation fault\nmore'), { kind: 'unknown', message: 'nvidia-smi: Segmentation fault' });
});

test('explainQueryFailure: a rejected field is named (so it can be dropped), a timeout keeps its own message', () => {
  const rejected = explainQueryFailure(new ToolError('nvidia-smi … exited with code 2', 'nvidia-smi', 2, read('error-invalid-query-field.txt')));
  assert.is(rejected.invalidField, true);
  assert.ok(rejected.field && rejected.message.includes(rejected.field), JSON.stringify(rejected));
  const driver = explainQueryFailure(new ToolError('nvidia-smi exited with code 9', 'nvidia-smi', 9, read('error-driver-not-loaded.txt')));
  assert.equal(driver, { message: 'nvidia-smi: cannot talk to the NVIDIA driver (is it installed and loaded?)', invalidField: false });
  const hung = explainQueryFailure(new ToolError('nvidia-smi --query-gpu=…: no answer within 700 ms', 'nvidia-smi', undefined, 'No devices were found', true));
  assert.equal(hung, { message: 'nvidia-smi --query-gpu=…: no answer within 700 ms', invalidField: false });
  const unknown = explainQueryFailure(new ToolError('nvidia-smi exited with code 1: odd', 'nvidia-smi', 1, 'odd'));
  assert.is(unknown.message, 'nvidia-smi exited with code 1: odd', 'an unclassified failure keeps the tool\'s own line');
  assert.equal(explainQueryFailure(new Error('parse failed')), { message: 'nvidia-smi: parse failed', invalidField: false });
});

test.run();
