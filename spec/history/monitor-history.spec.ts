// The monitor's history in virtual time: filled from the shared collectors while they run, and only then.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { Subscription } from 'rxjs';
import { createMonitor } from '../../lib/monitor.js';
import type { SystemStats } from '../../lib/types.js';
import { counting, fakeCollectors } from '../helpers/fake-collectors.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const base = { intervalMs: 1000, lingerMs: 2000, primeMs: 100, firstSampleTimeoutMs: 500 };

test('history is empty and wakes nothing while nobody listens', () => {
  virtual().run(() => {
    const fakes = fakeCollectors();
    const monitor = createMonitor({ ...base, collectors: fakes });
    assert.equal(monitor.history(), { intervalMs: 1000, samples: [] });
    assert.is(fakes.cpu.counter.starts, 0);
  });
});

test('while stats$ runs, one row per tick holds what the stream sent; after collection stops nothing is added', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const fakes = fakeCollectors();
    const monitor = createMonitor({ ...base, collectors: fakes });
    const sent: SystemStats[] = [];
    let sub = new Subscription();
    let rowsWhenStopped = -1;
    scheduler.schedule(() => (sub = monitor.stats$.subscribe((s) => sent.push(s))), 0);
    scheduler.schedule(() => sub.unsubscribe(), 3500);
    scheduler.schedule(() => (rowsWhenStopped = monitor.history().samples.length), 5600); // linger over
    scheduler.schedule(() => {}, 20_000);
    scheduler.flush();
    const { samples } = monitor.history();
    assert.is(fakes.cpu.counter.stops, 1, 'collection stopped after the linger');
    assert.is(samples.length, rowsWhenStopped, 'nothing recorded once collection stopped');
    assert.ok(sent.length >= 3, 'the stream ran for several ticks');
    assert.ok(samples.length >= sent.length, `${samples.length} rows for ${sent.length} messages`);
    for (const s of sent) {
      const row = samples.find((r) => r.cpu?.usage === s.cpu.usage);
      assert.ok(row, `tick with cpu ${s.cpu.usage} kept`);
      for (const t of ['cpu', 'memory', 'gpu', 'disk', 'network', 'processes'] as const) assert.equal(row![t], s[t], t);
    }
  });
});

test('the processes topic keeps the AI/ML list, capped, exactly as /api/stats has it', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const processes = counting([], (n) => [
      { pid: 1, name: 'bash', cpu: 50, memory: 1, status: 'running', rss: 1 },
      { pid: 2, name: 'ollama', cpu: n, memory: 1, status: 'running', rss: 1 },
      { pid: 3, name: 'python3', cpu: 1, memory: 1, status: 'sleep', rss: 1 },
    ]);
    const monitor = createMonitor({ ...base, processes: { limit: 1 }, collectors: { ...fakeCollectors(), processes } });
    const sent: unknown[] = [];
    scheduler.schedule(() => monitor.processes$.subscribe((p) => sent.push(p)), 0);
    scheduler.schedule(() => monitor.close(), 2500);
    scheduler.flush();
    const rows = monitor.history({ topics: ['processes'] }).samples;
    assert.ok(rows.length >= 2);
    assert.equal(rows.map((r) => r.processes), sent.slice(-rows.length));
    assert.equal(rows[0]!.processes!.map((p) => p.name), ['ollama']);
  });
});

test('historyMs bounds what is kept and is validated', () => {
  const scheduler = virtual();
  scheduler.run(() => {
    const monitor = createMonitor({ ...base, historyMs: 3000, collectors: fakeCollectors() });
    scheduler.schedule(() => monitor.cpu$.subscribe(), 0);
    scheduler.schedule(() => monitor.close(), 30_000);
    scheduler.flush();
    assert.is(monitor.history({ topics: ['cpu'] }).samples.length, 3, '3 s at 1 s');
  });
  assert.throws(() => createMonitor({ historyMs: -1 }), /historyMs must be a number of milliseconds from 0 to 86400000/);
  assert.equal(createMonitor({ historyMs: 0 }).history(), { intervalMs: 2000, samples: [] });
});

test.run();
