import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCpuinfo } from '../../lib/procfs/cpuinfo.js';
import { DEBIAN, HANDMADE, fixture } from '../helpers/proc-trees.js';

test('a captured 2-vCPU VM: model, cores, MHz', () => {
  assert.equal(parseCpuinfo(fixture(DEBIAN, 'proc/cpuinfo')), {
    model: 'Intel(R) Xeon(R) Processor',
    logicalCores: 2,
    physicalCores: 2,
    mhz: 2299.998,
  });
});

test('hyper-threads share a core id: 4 logical, 2 physical, MHz averaged', () => {
  const info = parseCpuinfo(fixture(HANDMADE, 'proc/cpuinfo'));
  assert.is(info.logicalCores, 4);
  assert.is(info.physicalCores, 2);
  assert.is(info.mhz, (3400 + 3600 + 800 + 1200) / 4);
  assert.is(info.model, 'Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz');
});

test('ARM: no core ids, no MHz, the board model in a trailing block', () => {
  const text = 'processor\t: 0\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\nprocessor\t: 1\nBogoMIPS\t: 108.00\n\n'
    + 'Hardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n';
  assert.equal(parseCpuinfo(text), { model: 'Raspberry Pi 4 Model B Rev 1.4', logicalCores: 2, physicalCores: 2, mhz: 0 });
});

test.run();
