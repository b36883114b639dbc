/**
 * The processes, and the zombies, of a process group.
 *
 * @module
 */
import { allProcesses } from "./_proc.ts";
import type { ProcessInfo } from "./process_info.ts";

/**
 * The processes of a process group, zombies included, from every `/proc/PID/stat`.
 *
 * @param pgid The process group id; a launched program's is its pid.
 * @returns The group's processes, by ascending pid.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { groupProcesses, zombies } from "./group_processes.ts";
 * import { readProcess } from "./read_process.ts";
 * const { pgid } = readProcess(Deno.pid)!;
 * assert(groupProcesses(pgid).some((p) => p.pid === Deno.pid));
 * assert(!zombies(pgid).some((p) => p.pid === Deno.pid)); // this process is alive
 * ```
 */
export function groupProcesses(pgid: number): ProcessInfo[] {
  return allProcesses().filter((p) => p.pgid === pgid).sort((a, b) => a.pid - b.pid);
}

/**
 * The zombies of a process group: children that exited and that their parent has not reaped with
 * `wait()`. A fork-per-client server that never reaps collects one per client served.
 *
 * @param pgid The process group id.
 * @returns The zombies, by ascending pid.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { groupProcesses, zombies } from "./group_processes.ts";
 * import { readProcess } from "./read_process.ts";
 * const { pgid } = readProcess(Deno.pid)!;
 * const group = new Set(groupProcesses(pgid).map((p) => p.pid));
 * assert(zombies(pgid).every((z) => z.state === "Z" && (group.has(z.pid) || z.pgid === pgid)));
 * ```
 */
export function zombies(pgid: number): ProcessInfo[] {
  return groupProcesses(pgid).filter((p) => p.state === "Z");
}
