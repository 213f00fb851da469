import type { Observable, SchedulerLike } from 'rxjs';
import type { Sample } from './sample.js';
import type { AgentPool } from '../platform/win32/agent-pool.js';
import type { TopPool } from '../platform/darwin/top-pool.js';
import type { GridOrigin } from '../stream/grid.js';

/** What every collector factory receives. Paths are injectable so specs run on captured trees. */
export interface CollectorContext {
  intervalMs: number;
  /** A single reading that takes longer is abandoned (and reported). */
  timeoutMs: number;
  /** Delay between a delta collector's baseline and its first reading. */
  primeMs: number;
  scheduler: SchedulerLike;
  /** Root of the proc filesystem ('/proc'); specs point it at spec/fixtures/proc/<machine>. */
  procRoot: string;
  /** Root of sysfs ('/sys'). */
  sysRoot: string;
  platform: NodeJS.Platform;
  /** win32: the monitor's one agent child, shared by the collectors that need it (one is made when absent). */
  agent?: AgentPool;
  /** darwin: the monitor's one `top -l 0` loop, shared by the processes and disk collectors (one is made when absent). */
  top?: TopPool;
  /** The monitor's grid origin: pass it to poll() so readings land on the grid the messages use. */
  grid?: GridOrigin;
}

/** A collector: a cold observable factory. Subscribing starts its timer; unsubscribing stops it. */
export type CollectorFactory<T, O = object> = (ctx: CollectorContext, options: O) => Observable<Sample<T>>;
