/**
 * A process's resident memory.
 *
 * @module
 */
import { readText } from "./_proc.ts";

/**
 * A process's resident memory: `VmRSS` in `/proc/PID/status`.
 *
 * @param pid The process id.
 * @returns Bytes; 0 for a process that is gone or a zombie.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { rssBytes } from "./rss_bytes.ts";
 * assert(rssBytes(Deno.pid) > 1024 * 1024);
 * assertEquals(rssBytes(999_999_999), 0); // no such process
 * ```
 */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readText(`/proc/${pid}/status`) ?? "");
  return match === null ? 0 : Number(match[1]) * 1024;
}
