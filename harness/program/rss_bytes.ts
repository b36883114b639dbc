/**
 * Resident memory, of one process or of a process group.
 *
 * @module
 */
import { readText } from "./_proc.ts";
import { groupProcesses } from "./group_processes.ts";

/**
 * A process's resident memory: `VmRSS` in `/proc/PID/status`.
 *
 * @param pid The process id.
 * @returns Bytes; 0 for a process that is gone or a zombie.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { groupRssBytes, rssBytes } from "./rss_bytes.ts";
 * assert(rssBytes(Deno.pid) > 1024 * 1024);
 * assertEquals(groupRssBytes(-1), 0); // no such group
 * ```
 */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readText(`/proc/${pid}/status`) ?? "");
  return match === null ? 0 : Number(match[1]) * 1024;
}

/**
 * The resident memory of a group's processes, added up (pages they share count once per process).
 *
 * @param pgid The process group id.
 * @returns Bytes; 0 for a group that is gone.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { groupRssBytes, rssBytes } from "./rss_bytes.ts";
 * import { readProcess } from "./read_process.ts";
 * const { pgid } = readProcess(Deno.pid)!;
 * assert(rssBytes(Deno.pid) > 0 && groupRssBytes(pgid) > 0); // this process is in its group
 * ```
 */
export function groupRssBytes(pgid: number): number {
  return groupProcesses(pgid).reduce((sum, p) => sum + rssBytes(p.pid), 0);
}
