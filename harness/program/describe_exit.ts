/**
 * How a process ended, in words: its exit status, or the signal that killed it and its usual cause.
 *
 * @module
 */
import { nameOf, numberOf } from "./_signal_table.ts";
import { signalCause } from "./signal_cause.ts";

/** How a process ended, as `Deno.CommandStatus` reports it. */
export interface ExitStatus {
  /** The exit status; not read when `signal` is set. */
  code: number | null;
  /** The signal that killed it, by name (`"SIGSEGV"`) or number (`11`), or `null`. */
  signal: string | number | null;
}

/**
 * One clause saying how a process ended: `exited with status 3`, or
 * `killed by SIGSEGV (signal 11): a memory error, ...` with the signal's usual cause.
 *
 * @param status The exit code or the signal, e.g. a `Deno.CommandStatus`.
 * @returns The clause, without a capital or a final period.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { describeExit, describeExitShort, type ExitStatus } from "./describe_exit.ts";
 * assertEquals(describeExit({ code: 3, signal: null }), "exited with status 3");
 * const aborted: ExitStatus = { code: 134, signal: "SIGABRT" };
 * assertEquals(
 *   describeExit(aborted),
 *   "killed by SIGABRT (signal 6): abort(), e.g. a failed assert() or a double free",
 * );
 * assertEquals(describeExitShort(aborted), "killed by SIGABRT (signal 6)");
 * ```
 */
export function describeExit(status: ExitStatus): string {
  const { clause, cause } = ending(status);
  return cause === undefined ? clause : `${clause}: ${cause}`;
}

/**
 * {@linkcode describeExit} without the signal's cause: `exited with status 3`,
 * `killed by SIGKILL (signal 9)`, for a sentence that goes on with a cause of its own.
 *
 * @param status The exit code or the signal, e.g. a `Deno.CommandStatus`.
 * @returns The clause, without a capital or a final period.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { describeExit, describeExitShort, type ExitStatus } from "./describe_exit.ts";
 * const killed: ExitStatus = { code: null, signal: "SIGKILL" };
 * assertEquals(`${describeExitShort(killed)}, sent by sockspec`, "killed by SIGKILL (signal 9), sent by sockspec");
 * assertEquals(describeExit(killed).startsWith(describeExitShort(killed)), true);
 * ```
 */
export function describeExitShort(status: ExitStatus): string {
  return ending(status).clause;
}

/** How the process ended, and the signal's usual cause when it has one. */
function ending(status: ExitStatus): { clause: string; cause?: string } {
  if (status.signal === null) return { clause: `exited with status ${status.code ?? "unknown"}` };
  const number = typeof status.signal === "number" ? status.signal : numberOf(status.signal);
  const name = number === undefined ? String(status.signal) : nameOf(number);
  if (number === undefined || name.startsWith("signal ")) return { clause: `killed by ${name}` };
  return { clause: `killed by ${name} (signal ${number})`, cause: signalCause(name) };
}
