/**
 * One process's details and CPU time, from `/proc/PID/stat`.
 *
 * @module
 */
import { statOf } from "./_proc.ts";
import type { ProcessInfo } from "./process_info.ts";

/**
 * One process's details, from `/proc/PID/stat`.
 *
 * @param pid The process id.
 * @returns Its details, or `undefined` when there is no such process.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { cpuTimeMs, readProcess } from "./read_process.ts";
 * const self = readProcess(Deno.pid)!;
 * assertEquals(self.pid, Deno.pid);
 * assert(cpuTimeMs(Deno.pid) >= self.cpuMs); // CPU time only grows
 * ```
 */
export function readProcess(pid: number): ProcessInfo | undefined {
  return statOf(pid);
}

/**
 * A process's CPU time so far, user plus system, in steps of 10 ms.
 *
 * @param pid The process id.
 * @returns Milliseconds; 0 for a process that is gone.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { cpuTimeMs, readProcess } from "./read_process.ts";
 * const before = cpuTimeMs(Deno.pid);
 * for (let i = 0; i < 1e6; i++) Math.sqrt(i);
 * assert(readProcess(Deno.pid)!.cpuMs >= before);
 * ```
 */
export function cpuTimeMs(pid: number): number {
  return statOf(pid)?.cpuMs ?? 0;
}
