// A logger that says each distinct problem once per window, so a collector failing every tick
// or a client sending garbage cannot flood the log.
export interface Logger {
  info(message: string): void;
  /** Logs `message` unless the same key was logged within the window. */
  warnOnce(key: string, message: string): void;
}

export interface LoggerOptions {
  quiet?: boolean;
  windowMs?: number;
  write?: (line: string) => void;
  now?: () => number;
  /** Bound on remembered keys, so unbounded distinct keys cannot grow memory. */
  maxKeys?: number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const { quiet = false, windowMs = 60_000, maxKeys = 1000 } = options;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? Date.now;
  const lastLogged = new Map<string, number>();
  const emit = (level: string, message: string) => {
    if (!quiet) write(`${new Date(now()).toISOString()} ${level} ${message}`);
  };
  return {
    info: (message) => emit('info', message),
    warnOnce(key, message) {
      const t = now();
      const last = lastLogged.get(key);
      if (last !== undefined && t - last < windowMs) return;
      if (lastLogged.size >= maxKeys) lastLogged.clear();
      lastLogged.set(key, t);
      emit('warn', message);
    },
  };
}

export const silentLogger: Logger = { info() {}, warnOnce() {} };
