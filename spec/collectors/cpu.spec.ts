import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler, firstValueFrom, map, take } from 'rxjs';
import { cpuCollector } from '../../lib/collectors/cpu.js';
import { DEBIAN, HANDMADE, copyTree, fixture, linuxContext, writeFixture } from '../helpers/proc-trees.js';

// Inside TestScheduler.run, asyncScheduler runs in virtual time, so contexts can simply pass it.
const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));

test('the first reading comes primeMs after subscribing, with usage over that gap', () => {
  const root = copyTree(HANDMADE);
  virtual().run(({ expectObservable, cold }) => {
    // The baseline reads stat at 0 ms; the machine moves on before the 250 ms reading.
    cold('100ms a').subscribe(() => writeFixture(root, 'proc/stat', fixture(HANDMADE, 'proc/stat.next')));
    const values = cpuCollector(linuxContext(root, asyncScheduler), {}).pipe(map((s) => [s.ok, s.source, s.value.usage]), take(1));
    expectObservable(values).toBe('250ms (a|)', { a: [true, 'procfs', 25] });
  });
});

test('a hand-made 4-thread machine: per-core %, cpufreq MHz, coretemp package °C, load', () => {
  const root = copyTree(HANDMADE);
  virtual().run(({ expectObservable, cold }) => {
    cold('100ms a').subscribe(() => writeFixture(root, 'proc/stat', fixture(HANDMADE, 'proc/stat.next')));
    const values = cpuCollector(linuxContext(root, asyncScheduler), {}).pipe(map((s) => s.value), take(1));
    expectObservable(values).toBe('250ms (a|)', {
      a: {
        usage: 25,
        cores: 4,
        frequency: 2250,
        temperature: 54.5,
        model: 'Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz',
        physicalCores: 2,
        perCore: [75, 15, 5, 5],
        loadAverage: [1.5, 0.75, 0.25],
      },
    });
  });
});

test('the captured VM: no cpufreq so MHz from cpuinfo, no sensor so temperature null', async () => {
  const sample = await firstValueFrom(cpuCollector(linuxContext(DEBIAN, asyncScheduler, { primeMs: 1 }), {}));
  assert.is(sample.ok, true);
  assert.equal(sample.value, {
    usage: 0, // one snapshot: nothing happened between the readings
    cores: 2,
    frequency: 2299.998,
    temperature: null,
    model: 'Intel(R) Xeon(R) Processor',
    physicalCores: 2,
    perCore: [0, 0],
    loadAverage: [0.01, 0.06, 0.03],
  });
});

test('an unreadable /proc gives the placeholder marked not ok', async () => {
  const sample = await firstValueFrom(cpuCollector(linuxContext('/nonexistent', asyncScheduler, { primeMs: 1 }), {}));
  assert.is(sample.ok, false);
  assert.is(sample.value.usage, 0);
  assert.is(sample.value.temperature, null);
  assert.match(sample.error ?? '', /ENOENT/);
});

test.run();
