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
    expectObservable(totals).toBe('(a|)', { a: [3193 + 111823295, 3193 + 232453, 29 + 3100, 29 + 2025, 4] });
  });
});

test('rates are 0 on the first reading, then bytes per second over the interval', () => {
  const root = copyTree(HANDMADE);
  virtual().run(({ expectObservable, cold }) => {
    cold('100ms a').subscribe(() => writeFixture(root, 'proc/net/dev', fixture(HANDMADE, 'proc/net/dev.next')));
    const ctx = linuxContext(root, asyncScheduler, { intervalMs: 2000, primeMs: 0 });
    const rates = networkCollector(ctx, {}).pipe(
      map(({ value: v }) => [v.bytesRecvPerSec, v.bytesSentPerSec, v.packetsRecvPerSec, v.packetsSentPerSec]),
      take(2),
    );
    // Two seconds: lo +200 B and +2 packets each way; enp3s0 +2 MB / +1500 in, +100 kB / +100 out.
    expectObservable(rates).toBe('a 1999ms (b|)', {
      a: [0, 0, 0, 0],
      b: [(200 + 2_000_000) / 2, (200 + 100_000) / 2, (2 + 1500) / 2, (2 + 100) / 2],
    });
  });
});

test('each interface carries its own totals and rates', () => {
  const root = copyTree(HANDMADE);
  virtual().run(({ expectObservable, cold }) => {
    cold('100ms a').subscribe(() => writeFixture(root, 'proc/net/dev', fixture(HANDMADE, 'proc/net/dev.next')));
    const ctx = linuxContext(root, asyncScheduler, { intervalMs: 2000, primeMs: 0 });
    const wired = networkCollector(ctx, {}).pipe(map(({ value }) => value.interfaces[1]), take(2));
    expectObservable(wired).toBe('a 1999ms (b|)', {
      a: { name: 'enp3s0', bytesRecv: 5_000_000, packetsRecv: 4000, bytesSent: 800_000, packetsSent: 3000, bytesRecvPerSec: 0, bytesSentPerSec: 0 },
      b: { name: 'enp3s0', bytesRecv: 7_000_000, packetsRecv: 5500, bytesSent: 900_000, packetsSent: 3100, bytesRecvPerSec: 1_000_000, bytesSentPerSec: 50_000 },
    });
  });
});

test('a counter that went down (interface re-created) gives a rate of 0, never negative', () => {
  const root = copyTree(HANDMADE);
  virtual().run(({ expectObservable, cold }) => {
    cold('100ms a').subscribe(() =>
      writeFixture(root, 'proc/net/dev', 'h|\nh|\nenp3s0: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n'));
    const ctx = linuxContext(root, asyncScheduler, { intervalMs: 1000, primeMs: 0 });
    const rate = networkCollector(ctx, {}).pipe(map(({ value }) => value.bytesRecvPerSec), take(2));
    expectObservable(rate).toBe('a 999ms (b|)', { a: 0, b: 0 });
  });
});

test.run();
