/**
 * The result tree: what a run produced. Every report writer reads this and nothing else; the JSON
 * report is this tree serialised as it is.
 *
 * @module
 */

import type { ProgramReport } from "./watched_program.ts";

/** What became of one case. */
export type Outcome = "pass" | "fail" | "error" | "skip" | "warn" | "info" | "flaky";

/** The order outcomes are listed in, in summaries and tables. */
export const OUTCOMES: readonly Outcome[] = [
  "pass",
  "fail",
  "error",
  "skip",
  "warn",
  "info",
  "flaky",
];

/** The kind of one transcript event. */
export type EventKind =
  | "connect"
  | "refused"
  | "send"
  | "recv"
  | "half-close"
  | "eof"
  | "reset"
  | "timeout"
  | "close"
  | "error"
  | "note";

/** One thing that happened on the wire (or at its edge) during a case. */
export interface TranscriptEvent {
  /** Milliseconds since the case started, to a tenth of a millisecond. */
  t: number;
  /** Connection or socket label, e.g. `c1`, `u2`. */
  conn: string;
  kind: EventKind;
  /** `out` for bytes the client sent, `in` for bytes that came back. */
  dir?: "in" | "out";
  /** Number of bytes sent or received. */
  length?: number;
  /** The bytes as lowercase hex; at most the first {@linkcode TRANSCRIPT_BYTES_CAP} bytes. */
  hex?: string;
  /** True when `hex` holds only the first bytes of `length`. */
  truncated?: boolean;
  /** Free text: a peer address, an error message, what a time-out was waiting for. */
  detail?: string;
}

/** How many bytes of one send or receive a transcript keeps. */
export const TRANSCRIPT_BYTES_CAP = 512;

/** The result of one case. */
export interface CaseResult {
  id: string;
  title: string;
  /** The socket rule or RFC sentence the case checks. */
  requirement: string;
  outcome: Outcome;
  /** One or more sentences saying what was observed. Empty for a plain pass. */
  message: string;
  /** What the requirement asks for, in printable form (bytes are escaped). */
  expected?: string;
  /** What the target did, in printable form. */
  actual?: string;
  /** The expected bytes as hex, where bytes were compared. */
  expectedHex?: string;
  /** The bytes that came back as hex, where bytes were compared. */
  actualHex?: string;
  /** Measurements a case reports (info cases, timings), as plain JSON values. */
  data?: Record<string, unknown>;
  durationMs: number;
  transcript: TranscriptEvent[];
  /** The exact command that reruns only this case with the same seed. */
  reproduce: string;
  /** Outcomes of every repetition, when run with `--repeat N` (N > 1). */
  repeats?: Outcome[];
}

/** Counts of outcomes. */
export type Summary = Record<Outcome, number>;

/** One target of a run, as given and as parsed. */
export interface TargetInfo {
  url: string;
  transport: "tcp" | "udp";
  host: string;
  port: number;
}

/** The whole run. This is the JSON report's shape. */
export interface RunReport {
  tool: { name: string; version: string };
  targets: TargetInfo[];
  profile: string;
  seed: number;
  /** Whether warns count as fails. */
  strict: boolean;
  startedAt: string;
  durationMs: number;
  summary: Summary;
  cases: CaseResult[];
  /** The program under test, when sockspec launched it (`--exec`): its build, starts, deaths. */
  program?: ProgramReport;
  /** The client program's command line, when the run tested a client (`--client`). */
  client?: string;
}

/** Returns a summary with every outcome at zero. */
export function emptySummary(): Summary {
  return { pass: 0, fail: 0, error: 0, skip: 0, warn: 0, info: 0, flaky: 0 };
}

/**
 * Counts the outcomes of `cases`.
 *
 * @example
 * ```ts
 * import { summarize } from "./result.ts";
 * summarize([]).pass; // 0
 * ```
 */
export function summarize(cases: readonly Pick<CaseResult, "outcome">[]): Summary {
  const summary = emptySummary();
  for (const c of cases) summary[c.outcome]++;
  return summary;
}

/** The outcomes that count against a run: it failed, could not be tested, or was flaky. */
export const PROBLEMS: readonly Outcome[] = ["fail", "error", "flaky"];

/**
 * True for an outcome that counts against a run (fail, error, flaky): the one rule every report
 * writer, the console and the exit code use.
 *
 * @example
 * ```ts
 * import { isProblem } from "./result.ts";
 * isProblem({ outcome: "flaky" }); // true
 * isProblem({ outcome: "warn" }); // false
 * ```
 */
export function isProblem(c: Pick<CaseResult, "outcome">): boolean {
  return PROBLEMS.includes(c.outcome);
}

/**
 * How many cases of a summary count against the run (fail + error + flaky).
 *
 * @example
 * ```ts
 * import { problemCount, summarize } from "./result.ts";
 * problemCount(summarize([{ outcome: "fail" }, { outcome: "pass" }])); // 1
 * ```
 */
export function problemCount(s: Summary): number {
  return PROBLEMS.reduce((n, o) => n + s[o], 0);
}
