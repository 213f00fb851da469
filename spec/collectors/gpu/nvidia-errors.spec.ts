import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/fake-gpu-path.js';
import { classifyNvidiaError } from '../../../lib/collectors/gpu/nvidia-errors.js';

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

test.run();
