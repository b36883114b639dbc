/**
 * Checking limits, and naming them in messages.
 *
 * @module
 */
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";

/** The limit names, in the order messages list them. */
export const LIMIT_NAMES: readonly (keyof Limits)[] = ["files", "processes", "memory", "cpu"];

/**
 * The defaults with some limits replaced, checked.
 *
 * @throws {RangeError} For a limit that is neither a whole number of at least 1 nor `Infinity`.
 */
export function resolveLimits(limits: Partial<Limits> = {}): Limits {
  const resolved = { ...DEFAULT_LIMITS };
  for (const name of LIMIT_NAMES) {
    const value = limits[name];
    if (value === undefined) continue;
    if (value !== Infinity && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new RangeError(
        `Cannot use ${name} limit ${JSON.stringify(value)}: expected a whole number of at least 1`,
      );
    }
    resolved[name] = value;
  }
  return resolved;
}

/** `64 open files`, `20 processes and threads`, `512 MiB of resident memory`, `60 s of CPU time`. */
export function describeLimit(name: keyof Limits, value: number): string {
  const amount = value === Infinity ? "unlimited" : String(value);
  switch (name) {
    case "files":
      return `${amount} open files`;
    case "processes":
      return `${amount} processes and threads`;
    case "cpu":
      return `${value === Infinity ? amount : `${value} s`} of CPU time`;
    case "memory":
      return `${value === Infinity ? amount : size(value)} of resident memory`;
  }
}

function size(bytes: number): string {
  for (const [unit, scale] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale} ${unit}`;
  }
  return `${bytes} bytes`;
}
