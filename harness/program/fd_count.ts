/**
 * Counting a process's open file descriptors.
 *
 * @module
 */
import { fdLinks } from "./_proc.ts";

/**
 * How many file descriptors a process has open: the entries of `/proc/PID/fd`. A server whose
 * count grows with every client served leaks sockets.
 *
 * @param pid The process id.
 * @returns The count; 0 for a process that is gone or a zombie.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { fdCount } from "./fd_count.ts";
 * // This process's count moves with whatever else runs in it (deno test --parallel): only a floor.
 * assert(fdCount(Deno.pid) >= 3); // stdin, stdout and stderr at least
 * assertEquals(fdCount(999_999_999), 0); // no such process
 * ```
 */
export function fdCount(pid: number): number {
  return fdLinks(pid).length;
}
