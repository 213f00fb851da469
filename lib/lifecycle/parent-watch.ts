/**
 * Calls `onOrphaned` once when the process that started this one has died (the kernel re-parents
 * us, so `process.ppid` changes). ClaraVerse stops the service with SIGTERM, but if ClaraVerse itself
 * is killed, nothing else would ever stop it.
 */
export function watchParent(onOrphaned: () => void, everyMs = 1000): () => void {
  const original = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== original) {
      clearInterval(timer);
      onOrphaned();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
