/**
 * Outcome classes by who caused it: the one rule that turns how a case ended into `pass`, `fail`,
 * `error`, `skip`, `warn` or `info`. The runner calls {@linkcode verdict} and nothing else decides.
 *
 * `error` means sockspec could not test: nothing listened when the run began, the host could not
 * be reached, or sockspec itself failed. Anything a target does once it has accepted a connection
 * in this run (a reset, a close, a stall, a drip, no reply, a queue that stops taking connects, a
 * case kept waiting until its deadline) is the target's behaviour, and ends `fail` (or `warn`) with
 * what was observed.
 *
 * @module
 */
import type { Evidence } from "./errors.ts";
import { CaseError, CaseFailure, CaseSkip, errorText } from "./errors.ts";
import type { Outcome } from "./result.ts";
import { ConnectFailed } from "./tcp_client.ts";

/** What the TCP target did with the run's first connect, made before any case ran. */
export type Reachability = "accepted" | "refused" | "timeout" | "unreachable";

/** The case's own deadline passed. */
export class CaseDeadline extends Error {
  /** The deadline, in milliseconds. */
  readonly ms: number;
  /** @param ms The deadline that passed. */
  constructor(ms: number) {
    super(`The case did not finish within its ${ms} ms deadline`);
    this.name = "CaseDeadline";
    this.ms = ms;
  }
}

/** What {@linkcode verdict} decides: the outcome, the message, and evidence for a fail. */
export interface Verdict {
  outcome: Outcome;
  message: string;
  evidence?: Evidence;
}

/** What the runner knows when it judges how a case ended. */
export interface VerdictFacts {
  /** The TCP target's answer to the run's first connect (unknown: treated as not accepted). */
  tcpAtStart?: Reachability;
  /** The waits on the target the case had open when it ended (see `PendingWaits`). */
  waitingOn?: readonly string[];
  /** Warnings the case raised, and whether warnings count as fails (`--strict`). */
  warnings?: readonly string[];
  strict?: boolean;
  /** Measurements the case recorded. */
  infos?: readonly string[];
}

/**
 * The rule, as a table: each row is one way a case can end, who caused it, and the outcome. The
 * README's "Outcome classes" section shows the same rows; {@linkcode verdict} applies them.
 */
export const OUTCOME_RULES: readonly { ending: string; caused: string; outcome: Outcome }[] = [
  { ending: "every check held", caused: "-", outcome: "pass" },
  {
    ending:
      "a requirement broke: wrong bytes, no reply within its bound, a reset, an early close, a stall, a drip",
    caused: "target",
    outcome: "fail",
  },
  {
    ending: "allowed but poor: a slow reply, a small listen queue, a chargen text off the pattern",
    caused: "target",
    outcome: "warn",
  },
  {
    ending: "a connect refused or unanswered after the target accepted the run's first connect",
    caused: "target (it stopped listening, or its listen queue is full)",
    outcome: "fail",
  },
  {
    ending: "a connect whose handshake completed and was then reset",
    caused: "target",
    outcome: "fail",
  },
  {
    ending: "the case deadline passed while the case waited on the target",
    caused: "target (it kept the case waiting)",
    outcome: "fail",
  },
  {
    ending: "a connect refused or unanswered, and the run's first connect was too",
    caused: "nobody can test: nothing listened when the run began",
    outcome: "error",
  },
  {
    ending: "the host cannot be resolved or reached",
    caused: "nobody can test",
    outcome: "error",
  },
  {
    ending:
      "sockspec failed: an exception in a case, no local socket, a deadline passing with nothing awaited on the network, the run's deadline",
    caused: "sockspec",
    outcome: "error",
  },
  { ending: "the case does not apply to this target or profile", caused: "-", outcome: "skip" },
  { ending: "a measurement, nothing to judge", caused: "-", outcome: "info" },
];

/**
 * Decides the outcome of a case from what it threw (null when it returned) and what the runner
 * knows; see {@linkcode OUTCOME_RULES}.
 *
 * @example
 * ```ts
 * import { ConnectFailed } from "./tcp_client.ts";
 * import { verdict } from "./verdict.ts";
 * const refused = new ConnectFailed("Connection to TCP 127.0.0.1:7 refused", "refused");
 * verdict(refused, { tcpAtStart: "refused" }).outcome; // "error": nothing listened
 * verdict(refused, { tcpAtStart: "accepted" }).outcome; // "fail": it stopped listening
 * ```
 */
export function verdict(thrown: unknown, facts: VerdictFacts = {}): Verdict {
  if (thrown === null || thrown === undefined) {
    const warnings = facts.warnings ?? [];
    if (warnings.length > 0) {
      return facts.strict
        ? { outcome: "fail", message: `${warnings.join("; ")} (a fail under --strict)` }
        : { outcome: "warn", message: warnings.join("; ") };
    }
    const infos = facts.infos ?? [];
    if (infos.length > 0) return { outcome: "info", message: infos.join("; ") };
    return { outcome: "pass", message: "" };
  }
  if (thrown instanceof CaseFailure) {
    return { outcome: "fail", message: thrown.message, evidence: thrown.evidence };
  }
  if (thrown instanceof CaseSkip) return { outcome: "skip", message: thrown.message };
  if (thrown instanceof ConnectFailed) return connectVerdict(thrown, facts.tcpAtStart);
  if (thrown instanceof CaseDeadline) {
    const waits = facts.waitingOn ?? [];
    if (waits.length === 0) {
      return {
        outcome: "error",
        message: `Harness fault: ${thrown.message}, and it was waiting on nothing from the target`,
      };
    }
    return {
      outcome: "fail",
      message: `${thrown.message}: the target kept it waiting for ${waits.join("; ")}`,
      evidence: { expected: "the case finishes within its deadline", actual: waits.join("; ") },
    };
  }
  if (thrown instanceof CaseError) return { outcome: "error", message: thrown.message };
  return { outcome: "error", message: `Harness fault: ${errorText(thrown)}` };
}

function connectVerdict(e: ConnectFailed, atStart: Reachability | undefined): Verdict {
  const evidence = { expected: "the connection is accepted", actual: e.message };
  if (e.reason === "reset") return { outcome: "fail", message: e.message, evidence };
  if (atStart !== "accepted" || (e.reason !== "refused" && e.reason !== "timeout")) {
    return { outcome: "error", message: e.message };
  }
  const why = e.reason === "refused"
    ? "the server stopped listening (did it exit or crash?)"
    : "its listen queue is full: the server does not accept() connections fast enough, or at all";
  return {
    outcome: "fail",
    message: `${e.message}, though the target accepted the run's first connection: ${why}`,
    evidence,
  };
}
