import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import {
  findCpuTemperatureFile, findFrequencyFiles, readAverageMhz, readTemperature,
} from '../../lib/procfs/cpu-sensors.js';
import { DEBIAN, HANDMADE } from '../helpers/proc-trees.js';

test('coretemp\'s "Package id 0" sensor wins over the per-core ones and over acpitz', () => {
  const file = findCpuTemperatureFile(join(HANDMADE, 'sys'));
  assert.is(file, join(HANDMADE, 'sys/class/hwmon/hwmon1/temp1_input'));
  assert.is(readTemperature(file), 54.5);
});

test('a VM without hwmon or thermal zones has no temperature: null', () => {
  const file = findCpuTemperatureFile(join(DEBIAN, 'sys'));
  assert.is(file, undefined);
  assert.is(readTemperature(file), null);
});

test('scaling_cur_freq is kHz: averaged and given in MHz', () => {
  const files = findFrequencyFiles(join(HANDMADE, 'sys'));
  assert.is(files.length, 4);
  assert.is(readAverageMhz(files), 2250);
});

test('no cpufreq directory (most VMs): no frequency files', () => {
  assert.equal(findFrequencyFiles(join(DEBIAN, 'sys')), []);
  assert.is(readAverageMhz([]), undefined);
});

test.run();
