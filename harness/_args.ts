import { UsageError } from "./errors.ts";

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
