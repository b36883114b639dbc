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
 * import { describeExit, type ExitStatus } from "./describe_exit.ts";
 * assertEquals(describeExit({ code: 3, signal: null }), "exited with status 3");
 * const aborted: ExitStatus = { code: 134, signal: "SIGABRT" };
 * assertEquals(
 *   describeExit(aborted),
 *   "killed by SIGABRT (signal 6): abort(), e.g. a failed assert() or a double free",
 * );
 * ```
 */
export function describeExit(status: ExitStatus): string {
  if (status.signal === null) return `exited with status ${status.code ?? "unknown"}`;
  const number = typeof status.signal === "number" ? status.signal : numberOf(status.signal);
  const name = number === undefined ? String(status.signal) : nameOf(number);
  if (number === undefined || name.startsWith("signal ")) return `killed by ${name}`;
  const cause = signalCause(name);
  const killed = `killed by ${name} (signal ${number})`;
  return cause === undefined ? killed : `${killed}: ${cause}`;
}
