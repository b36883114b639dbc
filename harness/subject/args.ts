/**
 * What every command shares around its arguments: where it prints, its exit codes, reading
 * numbers and `--param` values, and the one line a command ends with on an error.
 *
 * @module
 */
import { errorText, UsageError } from "../mod.ts";
import { deniedPermission, PermissionNeeded } from "./permissions.ts";

/** Where a command prints. Tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** The console: stdout and stderr. */
export const CONSOLE_IO: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Exit codes: 0 no fail or error, 1 a case failed, 2 usage error (a missing permission included),
 * 3 errors but no fail, 4 internal error, 5 the program under test's build failed, 6 the program
 * under test did not start (exited before it served, never bound its port, bound another).
 */
export const EXIT = {
  ok: 0,
  fail: 1,
  usage: 2,
  error: 3,
  internal: 4,
  build: 5,
  start: 6,
} as const;

/**
 * Reads a whole-number option of at least `min`; a bad value is a {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { wholeNumber } from "./args.ts";
 * wholeNumber("timeout", "500"); // 500
 * ```
 */
export function wholeNumber(name: string, value: unknown, min = 1): number {
  const n = Number(value);
  if (value === undefined || value === "" || !Number.isInteger(n) || n < min) {
    throw new UsageError(
      `Option --${name} needs a whole number of at least ${min}, got "${value}"`,
    );
  }
  return n;
}

/**
 * Reads repeated `--param NAME=N` values into a record.
 *
 * @example
 * ```ts
 * import { parseParams } from "./args.ts";
 * parseParams(["clients=1000"]); // { clients: 1000 }
 * ```
 */
export function parseParams(values: readonly string[]): Record<string, number> {
  const params: Record<string, number> = {};
  for (const p of values) {
    const m = /^([a-z][a-z0-9-]*)=(\d+)$/i.exec(p);
    if (!m) {
      throw new UsageError(`Cannot parse --param "${p}": expected NAME=NUMBER, e.g. clients=1000`);
    }
    params[m[1]] = Number(m[2]);
  }
  return params;
}

/**
 * Ends a command on an error it threw with one line on `err`, never a stack trace, and returns the
 * exit code:
 *
 * - a permission Deno refused (anywhere in the error's causes): 2, and the line names the flag and
 *   the feature that needs it: `sockspec: --report needs --allow-write (Requires write access to
 *   "x.json")`;
 * - a user's mistake ({@linkcode UsageError}): 2;
 * - anything else, a fault of sockspec's: 4.
 *
 * @example
 * ```ts
 * import { exitOnError } from "./args.ts";
 * const e = new Deno.errors.NotCapable(
 *   'Requires net access to "127.0.0.1:7", run again with the --allow-net flag',
 * );
 * exitOnError(e, console.error); // 2, after "sockspec: this command needs --allow-net (…)"
 * ```
 */
export function exitOnError(e: unknown, err: (line: string) => void, who = "sockspec"): number {
  const denied = deniedPermission(e);
  if (denied) {
    const feature = e instanceof PermissionNeeded ? e.feature : "this command";
    err(`${who}: ${feature} needs ${denied.flag} (${denied.detail})`);
    return EXIT.usage;
  }
  if (e instanceof UsageError) {
    err(`${who}: ${e.message}`);
    return EXIT.usage;
  }
  err(`${who}: internal error: ${errorText(e)}`);
  return EXIT.internal;
}
