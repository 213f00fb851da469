// A long-lived loop-mode tool (top -l 0, vm_stat <s>, netstat -w <s>) as a cold observable of its
// stdout chunks: subscribing starts it (spawn.ts: own process group, registered for kill-on-exit),
// unsubscribing kills its group. It errors with a one-line reason when the tool cannot start or
// ends (these tools never end by themselves while we read them).
//
// Dying with us: macOS has no parent-death signal, and these children read nothing from stdin, so
// they do not see an EOF. What ends them when the service is SIGKILLed is their next write: every
// one of them prints every interval, the pipe's read end is gone with us, and the write raises
// SIGPIPE, whose default action ends the process (within one interval). A clean exit, SIGTERM,
// SIGINT and SIGHUP kill them at once (child-registry.ts). On Linux (the stand-ins in CI) setpriv's
// pdeathsig covers them too.
import { Observable } from 'rxjs';
import { killTree, spawnTool, toolFailure, type ToolChild } from '../../tools/run-tool.js';

/** Whole seconds for a loop tool's interval argument (they take integers; at least 1). */
export function loopSeconds(intervalMs: number): number {
  return Math.max(1, Math.round(intervalMs / 1000));
}

export function loopToolOutput(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Observable<string> {
  return new Observable<string>((subscriber) => {
    let child: ToolChild | undefined;
    let tail = '';
    const keepTail = (chunk: string) => { tail = (tail + chunk).slice(-2000); };
    spawnTool(file, args, { buffer: false, ...(env ? { env } : {}) }).then(({ child: started }) => {
      child = started;
      if (subscriber.closed) return killTree(started);
      started.stdout?.setEncoding('utf8');
      started.stderr?.setEncoding('utf8');
      started.stdout?.on('data', (chunk: string) => { keepTail(chunk); subscriber.next(chunk); });
      started.stderr?.on('data', keepTail);
      void started.then((result) => {
        if (subscriber.closed) return;
        const last = tail.split('\n').reverse().find((l) => l.trim()) ?? '';
        subscriber.error(toolFailure(file, args, result.exitCode, result.signal ?? undefined, last, result.code));
      });
    }, (error: unknown) => subscriber.error(error));
    return () => { if (child) killTree(child); };
  });
}

/** Splits chunks into whole lines (a line cut between two chunks is held until its end comes). */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  };
}
