/**
 * Counting open file descriptors, of one process or of a process group.
 *
 * @module
 */
import { fdLinks } from "./_proc.ts";
import { groupProcesses } from "./group_processes.ts";

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
 * import { fdCount, groupFdCount } from "./fd_count.ts";
 * // This process's count moves with whatever else runs in it (deno test --parallel): only a floor.
 * assert(fdCount(Deno.pid) >= 3); // stdin, stdout and stderr at least
 * assertEquals(fdCount(999_999_999), 0); // no such process
 * assertEquals(groupFdCount(-1), 0); // no such group
 * ```
 */
export function fdCount(pid: number): number {
  return fdLinks(pid).length;
}

/**
 * How many file descriptors the processes of a group have open, added up.
 *
 * @param pgid The process group id.
 * @returns The total; 0 for a group that is gone.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { fdCount, groupFdCount } from "./fd_count.ts";
 * import { readProcess } from "./read_process.ts";
 * const { pgid } = readProcess(Deno.pid)!;
 * assert(fdCount(Deno.pid) >= 3 && groupFdCount(pgid) >= 3); // stdin, stdout, stderr at least
 * ```
 */
export function groupFdCount(pgid: number): number {
  return groupProcesses(pgid).reduce((sum, p) => sum + fdCount(p.pid), 0);
}
