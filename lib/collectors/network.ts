import type si from 'systeminformation';
import { systeminformation } from './systeminformation.js';
import type { NetworkInterfaceStats, NetworkStats } from '../types.js';
import type { CollectorContext, CollectorFactory } from './context.js';
import { poll, type Sampler, pollOptions } from './poll.js';
import { parseNetDev, type InterfaceCounters } from '../procfs/net-dev.js';
import { readText } from '../procfs/read.js';
import { round2 } from '../format/round.js';
import { darwinNetwork } from '../platform/darwin/collectors.js';
import { AGENT_SOURCE, win32NetworkCounters, withAgent } from '../platform/win32/samplers.js';

export const NETWORK_PLACEHOLDER: NetworkStats = {
  bytesSent: 0,
  bytesRecv: 0,
  packetsSent: 0,
  packetsRecv: 0,
  bytesSentPerSec: null,
  bytesRecvPerSec: null,
  packetsSentPerSec: null,
  packetsRecvPerSec: null,
  interfaces: [],
};

/**
 * Traffic over all interfaces (loopback included, as the original service counted), cumulative
 * since boot, plus per-second rates over the last interval. A first reading comes `primeMs` after
 * a baseline, so it already carries a real rate; a rate that cannot be known (an interface seen
 * for the first time, a counter that went backwards) is null, never a made-up 0.
 */
export const networkCollector: CollectorFactory<NetworkStats> = (ctx) => {
  const pollWith = (read: ReadCounters, source: string) => poll(() => networkSampler(ctx, read, source), pollOptions(ctx, NETWORK_PLACEHOLDER));
  if (ctx.platform === 'linux') return pollWith(procfsCounters(ctx.procRoot), 'procfs');
  if (ctx.platform === 'darwin') return darwinNetwork(ctx, NETWORK_PLACEHOLDER); // a netstat -w loop
  if (ctx.platform === 'win32') return withAgent(ctx, (lease) => pollWith(win32NetworkCounters(lease), AGENT_SOURCE));
  return pollWith(systeminformationCounters, 'systeminformation');
};

type ReadCounters = () => InterfaceCounters[] | Promise<InterfaceCounters[]>;

const procfsCounters = (procRoot: string): ReadCounters => () => parseNetDev(readText(procRoot, 'net/dev'));

/** systeminformation has no packet counts; they stay 0 on macOS and Windows. */
const systeminformationCounters: ReadCounters = async () =>
  (await (await systeminformation()).networkStats('*')).map((n) => ({
    name: n.iface,
    bytesRecv: n.rx_bytes,
    bytesSent: n.tx_bytes,
    packetsRecv: 0,
    packetsSent: 0,
  }));

function networkSampler(ctx: Pick<CollectorContext, 'scheduler'>, read: ReadCounters, source: string): Sampler<NetworkStats> {
  let previous: { at: number; byName: Map<string, InterfaceCounters> } | undefined;
  const remember = (counters: InterfaceCounters[]) => {
    previous = { at: ctx.scheduler.now(), byName: new Map(counters.map((c) => [c.name, c])) };
  };
  const toStats = (counters: InterfaceCounters[]): NetworkStats => {
    const at = ctx.scheduler.now();
    const seconds = previous ? (at - previous.at) / 1000 : 0;
    const before = previous?.byName;
    remember(counters);
    // A counter that went down (interface re-created, 32-bit wrap) gives no rate rather than a negative one.
    const rate = (now: number, then: number | undefined): number | null =>
      seconds > 0 && then !== undefined && now >= then ? round2((now - then) / seconds) : null;
    const interfaces: NetworkInterfaceStats[] = counters.map((c) => {
      const old = before?.get(c.name);
      return {
        ...c,
        bytesSentPerSec: rate(c.bytesSent, old?.bytesSent),
        bytesRecvPerSec: rate(c.bytesRecv, old?.bytesRecv),
      };
    });
    const total = (pick: (c: InterfaceCounters) => number) => counters.reduce((sum, c) => sum + pick(c), 0);
    // The total is null only when no interface has a rate; an interface without one adds nothing.
    const totalRate = (pick: (c: InterfaceCounters) => number): number | null => {
      let sum: number | null = null;
      for (const c of counters) {
        const old = before?.get(c.name);
        const r = rate(pick(c), old && pick(old));
        if (r !== null) sum = round2((sum ?? 0) + r);
      }
      return sum;
    };
    return {
      bytesSent: total((c) => c.bytesSent),
      bytesRecv: total((c) => c.bytesRecv),
      packetsSent: total((c) => c.packetsSent),
      packetsRecv: total((c) => c.packetsRecv),
      bytesSentPerSec: totalRate((c) => c.bytesSent),
      bytesRecvPerSec: totalRate((c) => c.bytesRecv),
      packetsSentPerSec: totalRate((c) => c.packetsSent),
      packetsRecvPerSec: totalRate((c) => c.packetsRecv),
      interfaces,
    };
  };
  return {
    baseline() {
      const counters = read();
      if (counters instanceof Promise) return counters.then(remember);
      remember(counters);
    },
    sample() {
      const counters = read();
      return counters instanceof Promise
        ? counters.then((c) => ({ value: toStats(c), source }))
        : { value: toStats(counters), source };
    },
  };
}
