/**
 * Deadlines without leaked timers: `raceDeadline()` races a promise against a time-out and an abort
 * signal; `sleep()` waits and can be aborted.
 *
 * @module
 */
/** What {@linkcode raceDeadline} returns when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * Waits for `promise` at most `ms` milliseconds. Returns {@linkcode TIMED_OUT} when the time runs
 * out first; rejects with the signal's reason when `signal` aborts first. The promise itself is not
 * cancelled: callers keep it and settle it later (a pending read stays pending).
 */
export function raceDeadline<T>(
  promise: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | typeof TIMED_OUT> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cleanup();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve(TIMED_OUT);
    }, Math.max(0, ms));
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e) => {
        cleanup();
        reject(e);
      },
    );
  });
}

/** Sleeps `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return raceDeadline(new Promise<never>(() => {}), ms, signal).then(() => {});
}
