/** `promise`, or a rejection once `ms` have passed (the work itself goes on: the caller stops waiting). */
export function withDeadline<T>(promise: Promise<T>, ms: number, what = 'statfs'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
