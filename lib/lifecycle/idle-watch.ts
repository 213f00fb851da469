export interface IdleWatch {
  /** Something happened (a request, a connection): the idle time starts again. */
  touch(): void;
  stop(): void;
}

/**
 * Calls `onIdle` once when nothing has touched it for `idleMs` and `isBusy()` is false
 * (the contract's "Smart Shutdown": a service nobody reads stops by itself). It checks on a plain
 * unref'd interval, not an RxJS timer, so the watch itself never keeps the process alive.
 *
 * @example
 * const idle = watchIdle({ idleMs: 600_000, isBusy: () => clients() > 0, onIdle: shutdown });
 * server.on('request', idle.touch);
 */
export function watchIdle(options: { idleMs: number; isBusy: () => boolean; onIdle: () => void; now?: () => number }): IdleWatch {
  const now = options.now ?? Date.now;
  let last = now();
  let fired = false;
  const check = () => {
    if (fired) return;
    if (options.isBusy()) last = now();
    else if (now() - last >= options.idleMs) {
      fired = true;
      clearInterval(timer);
      options.onIdle();
    }
  };
  const timer = setInterval(check, Math.max(50, Math.min(1000, options.idleMs / 4)));
  timer.unref();
  return {
    touch: () => {
      last = now();
    },
    stop: () => clearInterval(timer),
  };
}
