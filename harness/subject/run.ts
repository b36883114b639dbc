/**
 * The one function that runs a subject: it opens the subject, keeps the live reports current as
 * cases end, runs the cases with the subject's options, and closes the subject into the report's
 * section. `conform`, `grade` and the testing entry all run through {@linkcode runSubject}.
 *
 * @module
 */
import type { RenderOptions } from "../../reports/mod.ts";
import {
  type Case,
  type CaseResult,
  PartialRun,
  type Profile,
  runCases,
  type RunMeta,
  type RunOptions,
  type RunReport,
} from "../mod.ts";
import { profileCases } from "../../suites/protocol/mod.ts";
import { type ReportSpec, runWithLiveReports } from "./output.ts";
import { referenceReady } from "./program/protocol_reference.ts";
import { flagOptions, type RunFlags } from "./run_flags.ts";
import { catchStrays } from "./stray.ts";
import type { OpenOptions, Subject, SubjectFailure, SubjectRun } from "./subject.ts";

/** What to run against a subject: the cases, the profile and the flags. */
export interface RunPlan {
  subject: Subject;
  /** The cases to run, already selected. */
  cases: readonly Case[];
  profile: Profile;
  /** The profile as the user named it, for reproduce lines. */
  profileSpec: string;
  flags: RunFlags;
  /** Deadline for the whole run; cases not started by then end `error`. */
  runTimeoutMs?: number;
  /** Cases run at once (default: the runner's). */
  concurrency?: number;
}

/** Where a run's results go as it goes. */
export interface RunSinks extends OpenOptions {
  /** Reports kept current while the run goes, and rewritten at its end by the caller. */
  reports?: readonly ReportSpec[];
  render?: RenderOptions;
  /** Prints a line about a problem that does not stop the run. */
  warn?: (line: string) => void;
  onStart?: (c: Case) => void;
  onResult?: (r: CaseResult, done: number) => void;
  /** Called with each error a case left unhandled; without it such an error stops the run. */
  onStray?: (message: string) => void;
}

/**
 * Runs the plan's cases against its subject and returns the report with the subject's section.
 * A subject that could not be opened gives a report of `error`s that say why, and the failure.
 * Never throws for the subject's own problems; a run that died part-way comes back with what
 * finished and the error as `stopped`. A protocol file's reference program is launched here (see
 * {@linkcode referenceReady}), for every command alike.
 *
 * @throws {ReferenceProblem} when the profile's reference program does not start (exit 6) or
 * disagrees with its file (exit 2).
 *
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { ALL_CASES } from "../../suites/mod.ts";
 * import { selectCases } from "../mod.ts";
 * import { PROFILES } from "./profiles.ts";
 * import { referenceSubject } from "./reference/subject.ts";
 * import { readRunFlags, RUN_FLAGS } from "./run_flags.ts";
 * import { runSubject } from "./run.ts";
 *
 * const run = await runSubject({
 *   subject: referenceSubject(),
 *   cases: selectCases(ALL_CASES, ["tcp.basic"], []),
 *   profile: PROFILES.echo,
 *   profileSpec: "echo",
 *   flags: readRunFlags(parseArgs(["--seed", "1"], RUN_FLAGS)),
 * });
 * console.log(run.report.summary.pass); // 3
 * ```
 */
export async function runSubject(plan: RunPlan, sinks: RunSinks = {}): Promise<SubjectRun> {
  const { subject, cases, flags } = plan;
  // A protocol file's reference program, checked against the file and asked by its cases; a
  // client's cases play the server's side from the file alone.
  const profile = subject.kind === "client"
    ? plan.profile
    : await referenceReady(plan.profile, sinks.note ?? (() => {}));
  const reproduce = (id: string) => subject.reproduce(flags, plan.profileSpec, id);
  const meta: RunMeta = {
    targets: subject.declared(profile),
    profile: profile.name,
    seed: flags.seed,
    strict: flags.strict,
    reproduce,
  };
  const opened = await subject.open(profile, { note: sinks.note, timeoutMs: flags.timeoutMs });
  if (!opened.ok) {
    return { ok: false, report: notStartedReport(cases, meta, opened), failure: opened };
  }
  try {
    const targets = opened.targets();
    const ran = await runWithLiveReports(
      cases,
      { ...meta, targets },
      { reports: [...sinks.reports ?? []], render: sinks.render, warn: sinks.warn ?? (() => {}) },
      (onResult) => {
        const options = opened.options(
          {
            ...flagOptions(flags),
            targets,
            profile,
            runTimeoutMs: plan.runTimeoutMs,
            concurrency: plan.concurrency,
            reproduce,
            onStart: sinks.onStart,
            onResult: (r, done) => {
              onResult(r);
              sinks.onResult?.(r, done);
            },
          } satisfies RunOptions,
        );
        const run = () => runCases(cases, options);
        return sinks.onStray ? catchStrays(run, sinks.onStray) : run();
      },
    );
    const section = await opened.close();
    if (section) ran.report.program = section;
    const report: RunReport = opened.finish?.(ran.report, cases) ?? ran.report;
    return { ok: true, report, stopped: ran.stopped, notes: opened.notes ?? [] };
  } finally {
    await opened.close(); // nothing the subject started outlives the run, whatever happened
  }
}

/** The cases a run chooses from: all of them, and the part the profiles brought. */
export interface RunnableCases {
  /** `base`, then `own`: what `--only` and `--skip` select from. */
  cases: Case[];
  /** The profiles' own cases (a protocol file's), each once: rubric ids and checks ask for them. */
  own: Case[];
}

/**
 * The cases a run chooses from, before `--only` and `--skip`: `base` (a subject's cases, what
 * `--list` shows, or a batch's), then the cases each profile brings of its own (a protocol file's
 * generated cases; its client cases when `client`), each id once. `conform`, `grade` and the
 * testing entry all ask here.
 *
 * @example
 * ```ts
 * import { loadProtocolFile } from "../../suites/protocol/mod.ts";
 * import { runnableCases } from "./run.ts";
 * const kv = loadProtocolFile("suites/protocol/examples/kv.toml");
 * const { cases, own } = runnableCases([], [kv, kv], false);
 * cases.length === kv.cases.length && own.length === kv.cases.length; // true
 * ```
 */
export function runnableCases(
  base: readonly Case[],
  profiles: readonly Profile[],
  client: boolean,
): RunnableCases {
  const seen = new Set<string>();
  const own = profiles.flatMap((p) => profileCases(p, client))
    .filter((c) => !seen.has(c.id) && seen.add(c.id));
  return { cases: [...base, ...own], own };
}

/**
 * The report of a run that never started because the subject could not be tested: every case an
 * `error` saying why, and the subject's section (the build's output, the failed start).
 *
 * @example
 * ```ts ignore
 * const report = notStartedReport(cases, meta, failure);
 * report.summary.error === cases.length; // true
 * ```
 */
export function notStartedReport(
  cases: readonly Case[],
  meta: RunMeta,
  failure: SubjectFailure,
): RunReport {
  const report = new PartialRun(cases, { ...meta, targets: {} }).report();
  const why = `Not run: ${failure.message}`;
  report.cases = report.cases.map((c): CaseResult => ({ ...c, message: why }));
  report.program = failure.program;
  return report;
}
