import { errorText, UsageError } from "../mod.ts";

/** Exit codes: 0 no fail or error, 1 a case failed, 2 usage error, 3 errors but no fail, 4 internal. */
export const EXIT = { ok: 0, fail: 1, usage: 2, error: 3, internal: 4 } as const;

/** Reads a whole-number option of at least `min`; a bad value is a {@linkcode UsageError}. */
export function wholeNumber(name: string, value: unknown, min = 1): number {
  const n = Number(value);
  if (value === undefined || value === "" || !Number.isInteger(n) || n < min) {
    throw new UsageError(
      `Option --${name} needs a whole number of at least ${min}, got "${value}"`,
    );
  }
  return n;
}

/** Reads repeated `--param NAME=N` values into a record. */
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
 * Ends a command on an error it threw: one line on `err`, and exit 2 for a user's mistake
 * ({@linkcode UsageError}) or 4 for anything else (a fault of sockspec's). Never a stack trace.
 */
export function exitOnError(e: unknown, err: (line: string) => void, who = "sockspec"): number {
  if (e instanceof UsageError) {
    err(`${who}: ${e.message}`);
    return EXIT.usage;
  }
  err(`${who}: internal error: ${errorText(e)}`);
  return EXIT.internal;
}
