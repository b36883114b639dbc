/**
 * Whether a process is at rest: every one of its threads asleep, waiting for something to happen.
 *
 * @module
 */
import { parseStat, readText } from "./_proc.ts";

/**
 * Whether every thread of `pid` is asleep (state `S` in `/proc/PID/task/TID/stat`: blocked in
 * accept(), recv(), poll() or a sleep). A thread woken by a socket's close or reset, or a parent
 * woken by its child's exit, is runnable (`R`) from the moment the event happens until it has
 * handled it, so a process seen asleep has handled every event that reached it before the look.
 *
 * @param pid The process id.
 * @returns `false` for a thread running, runnable, stopped or in the disk (`D`), and for a
 * process that is gone or a zombie.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { asleep } from "./asleep.ts";
 * const child = new Deno.Command("sleep", { args: ["5"] }).spawn();
 * try {
 *   while (!asleep(child.pid)) await new Promise((r) => setTimeout(r, 10));
 *   assertEquals(asleep(999_999_999), false); // no such process
 * } finally {
 *   child.kill();
 *   await child.status;
 * }
 * ```
 */
export function asleep(pid: number): boolean {
  let tasks = 0;
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const text = readText(`/proc/${pid}/task/${task.name}/stat`);
      if (text === undefined) continue; // a thread that ended between the listing and the read
      if (parseStat(text)?.state !== "S") return false;
      tasks++;
    }
  } catch {
    return false; // gone
  }
  return tasks > 0;
}
