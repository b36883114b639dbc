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
 * out first, and the promise has not settled by the event loop's next turn either (a busy loop
 * runs its timers before it delivers what completed meanwhile: a reply that came during a 60 ms
 * stall lost to a 20 ms deadline 50 times in 50, and won 50 in 50 with the turn); rejects with the
 * signal's reason when `signal` aborts first. The promise itself is not
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
    const cancel = atDeadline(ms, () => {
      cleanup();
      resolve(TIMED_OUT);
    });
    const cleanup = () => {
      cancel();
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
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Calls `fn` once `ms` milliseconds have passed and the event loop has had one turn more: the
 * time may be up only because the loop was busy past it (a loaded machine), and it runs its
 * timers before it delivers what completed meanwhile (a handshake, a reply). For deadlines that
 * end or abort an operation. Returns a function that cancels the call.
 *
 * @example
 * ```ts
 * import { atDeadline } from "./_deadline.ts";
 * const deadline = new AbortController();
 * const cancel = atDeadline(2000, () => deadline.abort());
 * // ... an operation given deadline.signal ...
 * cancel();
 * ```
 */
export function atDeadline(ms: number, fn: () => void): () => void {
  let timer = setTimeout(() => {
    timer = setTimeout(fn, 0);
  }, Math.max(0, ms));
  return () => clearTimeout(timer);
}
