/**
 * Catches the errors a case leaves unhandled, so one buggy case cannot end a whole run.
 *
 * @module
 */
import { errorText } from "../mod.ts";

/**
 * Runs `fn`, and while it runs turns a promise rejection nobody handled (a case that left a send
 * or a sleep unawaited) into a call to `onStray` instead of the end of the process: a bug in one
 * case must not cost a student every report. The handler is removed when `fn` settles.
 *
 * @example
 * ```ts
 * import { catchStrays } from "./stray.ts";
 * const strays: string[] = [];
 * await catchStrays(async () => { Promise.reject(new Error("left behind")); }, (m) => strays.push(m));
 * ```
 */
export async function catchStrays<T>(
  fn: () => Promise<T>,
  onStray: (message: string) => void,
): Promise<T> {
  const handler = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    onStray(errorText(e.reason));
  };
  globalThis.addEventListener("unhandledrejection", handler);
  try {
    return await fn();
  } finally {
    // Let rejections from the last case's clean-up arrive while the handler is still there.
    await new Promise((r) => setTimeout(r, 0));
    globalThis.removeEventListener("unhandledrejection", handler);
  }
}
