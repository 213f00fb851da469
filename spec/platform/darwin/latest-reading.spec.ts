import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Observable, Subject, type SchedulerLike } from 'rxjs';
import { latestReading } from '../../../lib/platform/darwin/latest-reading.js';

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.match(String((error as Error).message), pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

/** A clock the test moves; latestReading only asks the scheduler for now(). */
function clock() {
  let t = 0;
  return { scheduler: { now: () => t } as SchedulerLike, advance: (ms: number) => { t += ms; } };
}

function source() {
  const runs: Subject<number>[] = [];
  let stopped = 0;
  const start = () => new Observable<number>((s) => {
    const run = new Subject<number>();
    runs.push(run);
    const sub = run.subscribe(s);
    return () => { stopped++; sub.unsubscribe(); };
  });
  return { start, runs, stopped: () => stopped };
}

const OPTIONS = { staleMs: 5000, backoff: { firstMs: 2000, maxMs: 8000 }, name: 'tool' };

test('the first read starts the tool and waits for its first reading; later reads get the newest', async () => {
  const c = clock();
  const s = source();
  const latest = latestReading(s.start, { ...OPTIONS, scheduler: c.scheduler });
  const first = latest.read();
  assert.is(s.runs.length, 1);
  s.runs[0]!.next(1);
  assert.is(await first, 1);
  s.runs[0]!.next(2);
  s.runs[0]!.next(3);
  assert.is(await latest.read(), 3);
  assert.is(s.runs.length, 1, 'one tool for all reads');
  latest.stop();
  assert.is(s.stopped(), 1);
});

test('a tool still starting is not an error: readOrNothing gives undefined after its patience', async () => {
  const c = clock();
  const s = source();
  const latest = latestReading(s.start, { ...OPTIONS, scheduler: c.scheduler });
  assert.is(await latest.readOrNothing(undefined, 20), undefined);
  s.runs[0]!.next(7);
  assert.is(await latest.readOrNothing(undefined, 20), 7);
  latest.stop();
});

test('a tool that dies is restarted at a read after the backoff, which doubles while it never reads and resets after a good reading', async () => {
  const c = clock();
  const s = source();
  const latest = latestReading(s.start, { ...OPTIONS, scheduler: c.scheduler });
  const pending = latest.read();
  s.runs[0]!.error(new Error('vm_stat exited with code 3'));
  await rejects(pending, /exited with code 3/);
  await rejects(latest.read(), /exited with code 3/);
  assert.is(s.runs.length, 1, 'not restarted before the backoff');
  c.advance(2000);
  void latest.read().catch(() => {});
  assert.is(s.runs.length, 2, 'restarted after 2 s');
  s.runs[1]!.error(new Error('again'));
  c.advance(2000);
  await rejects(latest.read(), /again/);
  assert.is(s.runs.length, 2, 'second backoff is 4 s');
  c.advance(2000);
  const third = latest.read();
  assert.is(s.runs.length, 3);
  s.runs[2]!.next(5);
  assert.is(await third, 5);
  s.runs[2]!.error(new Error('once more'));
  c.advance(2000);
  void latest.read().catch(() => {});
  assert.is(s.runs.length, 4, 'a good reading reset the backoff to 2 s');
  latest.stop();
});

test('a tool that goes silent is stopped and reported, then restarted after the backoff', async () => {
  const c = clock();
  const s = source();
  const latest = latestReading(s.start, { ...OPTIONS, scheduler: c.scheduler });
  const first = latest.read();
  s.runs[0]!.next(1);
  await first;
  c.advance(6000);
  await rejects(latest.read(), /no new reading for 6000 ms/);
  assert.is(s.stopped(), 1, 'the silent tool was killed');
  c.advance(2000);
  void latest.read().catch(() => {});
  assert.is(s.runs.length, 2);
  latest.stop();
});

test('a tool that never prints anything is restarted too', async () => {
  const c = clock();
  const s = source();
  const latest = latestReading(s.start, { ...OPTIONS, scheduler: c.scheduler });
  assert.is(await latest.readOrNothing(undefined, 5), undefined);
  c.advance(6000);
  await rejects(latest.read(), /no reading within 6000 ms of its start/);
  assert.is(s.stopped(), 1);
  latest.stop();
});

test.run();
