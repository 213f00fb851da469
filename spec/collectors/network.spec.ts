import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler, map, take } from 'rxjs';
import { networkCollector } from '../../lib/collectors/network.js';
import { DEBIAN, HANDMADE, copyTree, fixture, linuxContext, writeFixture } from '../helpers/proc-trees.js';

const virtual = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));

test('cumulative totals over every interface, loopback included, from the captured VM', () => {
  virtual().run(({ expectObservable }) => {
    const totals = networkCollector(linuxContext(DEBIAN, asyncScheduler), {}).pipe(
      map(({ value: v }) => [v.bytesRecv, v.bytesSent, v.packetsRecv, v.packetsSent, v.interfaces.length]),
      take(1),
    );
    // A baseline at once, the first reading 250 ms later (so it can carry a rate).
    expectObservable(totals).toBe('250ms (a|)', { a: [3193 + 111823295, 3193 + 232453, 29 + 3100, 29 + 2025, 4] });
  });
});

test('a first reading carries a real rate over the prime delay, then bytes per second over the interval', () => {
  const root = copyTree(HANDMADE);
  virtual().run(({ expectObservable, cold }) => {
    cold('100ms a').subscribe(() => writeFixture(root, 'proc/net/dev', fixture(HANDMADE, 'proc/net/dev.next')));
    const ctx = linuxContext(root, asyncScheduler, { intervalMs: 2000, primeMs: 200 });
    const rates = networkCollector(ctx, {}).pipe(
      map(({ value: v }) => [v.bytesRecvPerSec, v.bytesSentPerSec, v.packetsRecvPerSec, v.packetsSentPerSec]),
      take(2),
    );
    // Over the 0.2 s prime: lo +200 B and +2 packets each way; enp3s0 +2 MB / +1500 in, +100 kB / +100 out.
    // Then nothing moves until the grid point at 2000 ms: a real 0, not a placeholder.
    expectObservable(rates).toBe('200ms a 1799ms (b|)', {
      a: [(200 + 2_000_000) / 0.2, (200 + 100_000) / 0.2, (2 + 1500) / 0.2, (2 + 100) / 0.2],
      b: [0, 0, 0, 0],
    });
  });
});

test('each interface carries its own totals and rates', () => {
  const root = copyTree(HANDMADE);
  virtual().run(({ expectObservable, cold }) => {
    cold('100ms a').subscribe(() => writeFixture(root, 'proc/net/dev', fixture(HANDMADE, 'proc/net/dev.next')));
    const ctx = linuxContext(root, asyncScheduler, { intervalMs: 2000, primeMs: 200 });
    const wired = networkCollector(ctx, {}).pipe(map(({ value }) => value.interfaces[1]), take(1));
    expectObservable(wired).toBe('200ms (a|)', {
      a: { name: 'enp3s0', bytesRecv: 7_000_000, packetsRecv: 5500, bytesSent: 900_000, packetsSent: 3100, bytesRecvPerSec: 10_000_000, bytesSentPerSec: 500_000 },
    });
  });
});

test('a rate that cannot be known is null, never 0 or negative: a counter that went down, a new interface', () => {
  const root = copyTree(HANDMADE);
  virtual().run(({ expectObservable, cold }) => {
    // enp3s0 re-created (its counter went down); wg0 appears; lo and wlan0 are gone.
    cold('100ms a').subscribe(() =>
      writeFixture(root, 'proc/net/dev', 'h|\nh|\nenp3s0: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\nwg0: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n'));
    const ctx = linuxContext(root, asyncScheduler, { intervalMs: 1000, primeMs: 200 });
    const rates = networkCollector(ctx, {}).pipe(
      map(({ value }) => [value.bytesRecvPerSec, ...value.interfaces.map((i) => i.bytesRecvPerSec)]),
      take(2),
    );
    // A second later both are known again (nothing moved: 0).
    expectObservable(rates).toBe('200ms a 799ms (b|)', { a: [null, null, null], b: [0, 0, 0] });
  });
});

test.run();
