/**
 * A signal's name and number, as `SIGSEGV (signal 11)`.
 *
 * @module
 */
import { nameOf } from "./_signal_table.ts";

/**
 * The name of a Linux signal number.
 *
 * @param number A signal number, e.g. `11`.
 * @returns The name, e.g. `"SIGSEGV"`; `"SIGRTMIN+n"` for a real-time signal (34 to 64);
 * `"signal N"` for a number Linux does not define.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { signalName } from "./signal_name.ts";
 * assertEquals(signalName(13), "SIGPIPE");
 * assertEquals(signalName(35), "SIGRTMIN+1");
 * ```
 */
export function signalName(number: number): string {
  return nameOf(number);
}
