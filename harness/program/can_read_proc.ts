/**
 * Whether sockspec may watch programs here: it reads `/proc`.
 *
 * @module
 */

/**
 * Whether this process may read `/proc`: Linux, and Deno run with `--allow-all` (since Deno 1.43,
 * `--allow-read` alone does not cover `/proc` and `/sys`). Launching or watching a program needs it.
 *
 * @returns Whether `/proc/self/stat` can be read.
 *
 * @example
 * ```ts
 * import { canReadProc } from "./can_read_proc.ts";
 * if (!canReadProc()) console.log("Launching a program needs Linux and deno run --allow-all");
 * ```
 */
export function canReadProc(): boolean {
  try {
    Deno.readTextFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}
