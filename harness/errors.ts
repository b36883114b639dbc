/**
 * The errors the harness throws on purpose. A case ends with one of the `Case*` signals; a user's
 * mistake on the command line is a {@linkcode UsageError}.
 *
 * @module
 */

/** A mistake in what the user asked for (bad target, unknown profile, bad path). Exit code 2. */
export class UsageError extends Error {
  /**
   * @param message One line naming the problem, e.g. `Cannot parse target "tcp//x": ...`.
   * @param options Passed on to `Error` (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** The printable evidence that goes with a failure. */
export interface Evidence {
  expected?: Uint8Array | string;
  actual?: Uint8Array | string;
}

/** The target broke a requirement. The case's outcome is `fail`. */
export class CaseFailure extends Error {
  /** What was expected and what came back. */
  readonly evidence: Evidence;
  /**
   * @param message What was observed, in plain words.
   * @param evidence Expected and actual bytes or descriptions.
   */
  constructor(message: string, evidence: Evidence = {}) {
    super(message);
    this.name = "CaseFailure";
    this.evidence = evidence;
  }
}

/** The case could not test the target (refused, unreachable). The outcome is `error`. */
export class CaseError extends Error {
  /**
   * @param message Why the target could not be tested.
   * @param options Passed on to `Error` (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CaseError";
  }
}

/** The case does not apply to this target or profile. The outcome is `skip`. */
export class CaseSkip extends Error {
  /** @param reason Why the case does not apply. */
  constructor(reason: string) {
    super(reason);
    this.name = "CaseSkip";
  }
}

/**
 * The first line of an error's message, or the thrown value as text: how sockspec quotes an error
 * in one line.
 *
 * @example
 * ```ts
 * import { errorText } from "./errors.ts";
 * errorText(new Error("Connection refused\nmore")); // "Connection refused"
 * ```
 */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}
