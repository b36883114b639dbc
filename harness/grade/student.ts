/**
 * One step of `grade`: grading one student of a roster. Checks that their targets answer, runs
 * the cases, writes their reports and scores them into a gradebook row; the reference run of
 * each profile and the loaded profiles are shared by the batch ({@linkcode BatchCache}).
 *
 * @module
 */
import { emptyRow, scoreRow } from "./row.ts";
import { type GradebookRow, programStatus, type RenderOptions } from "../../reports/mod.ts";
import type { Rubric } from "../../reports/rubric.ts";
import {
  type Case,
  clientNotApplicable,
  errorText,
  notApplicable,
  type Profile,
  UsageError,
} from "../mod.ts";
import { join, studentReports, writeReports } from "../subject/output.ts";
import { loadProfile } from "../subject/profiles.ts";
import { referenceSubject } from "../subject/reference/subject.ts";
import { subjectFromRow } from "../subject/registry.ts";
import { runSubject } from "../subject/run.ts";
import type { RunFlags } from "../subject/run_flags.ts";
import type { Subject } from "../subject/subject.ts";
import { failureStatus, writeProgramLog } from "./program.ts";
import type { RosterEntry } from "./roster.ts";

/** What the students of a batch share: loaded profiles, and what each reference is graded on. */
export interface BatchCache {
  profiles: Map<string, Promise<Profile>>;
  references: Map<string, Promise<ReadonlySet<string> | undefined>>;
}

/** What every student of a batch is graded with. */
export interface Batch {
  /** The cases each student runs. */
  cases: readonly Case[];
  /** The run flags of the batch. */
  flags: RunFlags;
  /** The output directory; each student gets a folder in it. */
  out: string;
  rubric: Rubric;
  cache: BatchCache;
  /** Prints a line about a problem that does not stop the grading. */
  warn: (line: string) => void;
}

/**
 * The profile `spec` names, loaded once per batch.
 *
 * @example
 * ```ts
 * import { profileOf } from "./student.ts";
 * const cache = { profiles: new Map(), references: new Map() };
 * (await profileOf(cache, "echo")).name; // "echo"
 * ```
 */
export function profileOf(cache: BatchCache, spec: string): Promise<Profile> {
  let found = cache.profiles.get(spec);
  if (!found) {
    found = loadProfile(spec);
    cache.profiles.set(spec, found);
  }
  return found;
}

/**
 * The cases a profile's reference server does not skip, run once per batch with the batch's
 * settings: every student of that profile is graded on exactly these, so all of them have the
 * same maximum. Undefined for a profile without a reference (then each student is graded on the
 * cases their own run did not skip).
 */
function referenceCases(
  batch: Batch,
  profile: Profile,
): Promise<ReadonlySet<string> | undefined> {
  const references = batch.cache.references;
  let found = references.get(profile.name);
  if (!found) {
    found = (async () => {
      if (!profile.reference) return undefined;
      // Once is enough: which cases the reference skips does not change with --repeat.
      const reference = referenceSubject();
      const { report } = await runSubject({
        subject: reference,
        cases: batch.cases,
        profile,
        profileSpec: profile.name,
        flags: { ...batch.flags, repeat: 1 },
      });
      // Cases no reference server runs (a client's) are graded when they apply to the profile.
      const clientCases = batch.cases.filter((c) =>
        !reference.cases.includes(c) &&
        (clientNotApplicable(c.appliesTo, profile, { command: "{port}" }) ??
            notApplicable(c, {}, profile)) === null
      );
      return new Set([
        ...report.cases.filter((c) => c.outcome !== "skip").map((c) => c.id),
        ...clientCases.map((c) => c.id),
      ]);
    })().catch(() => undefined);
    references.set(profile.name, found);
  }
  return found;
}

/**
 * Grades one student: checks that each target answers, runs the cases, writes the student's
 * reports (`STUDENT_FILES`, Gradescope's kept up to date as the run goes) and returns the
 * gradebook row. Never throws: a problem becomes the row's status.
 *
 * @param onStep Called as each case ends, with how many have.
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { serve } from "../../fixtures/references/serve.ts";
 * import { DEFAULT_RUBRIC } from "../../reports/rubric.ts";
 * import { ALL_CASES } from "../../suites/mod.ts";
 * import { selectCases } from "../mod.ts";
 * import { gradeStudent } from "./student.ts";
 * import { PROFILES } from "../subject/profiles.ts";
 * import { readRunFlags, RUN_FLAGS } from "../subject/run_flags.ts";
 *
 * await using served = serve(PROFILES.echo.reference!);
 * const out = await Deno.makeTempDir();
 * const row = await gradeStudent(
 *   { ok: true, line: 2, student: "ada", dir: "ada", targets: served.targets, profile: "echo" },
 *   {
 *     cases: selectCases(ALL_CASES, ["tcp.basic"], []),
 *     flags: readRunFlags(parseArgs(["--seed", "1"], RUN_FLAGS)),
 *     out,
 *     rubric: DEFAULT_RUBRIC,
 *     cache: { profiles: new Map(), references: new Map() },
 *     warn: console.error,
 *   },
 *   () => {},
 * );
 * console.log(row.status, `${row.total}/${row.max}`); // ok 6/6
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function gradeStudent(
  entry: RosterEntry,
  batch: Batch,
  onStep: (done: number) => void,
): Promise<GradebookRow> {
  const { cases, flags, rubric } = batch;
  const row = emptyRow(entry);
  try {
    let profile: Profile;
    try {
      profile = await profileOf(batch.cache, entry.profile);
    } catch (e) {
      row.status = errorText(e);
      return row;
    }
    const dir = join(batch.out, entry.dir);
    await Deno.mkdir(dir, { recursive: true });
    let subject: Subject;
    try {
      subject = subjectFromRow(entry);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      row.status = `cannot run: ${e.message}`;
      return row;
    }
    // The reference runs beside the student's cases; its answer is needed only for the scores.
    const graded = referenceCases(batch, profile);
    const render: RenderOptions = { rubric };
    const reports = studentReports(dir);
    const run = await runSubject(
      { subject, cases, profile, profileSpec: entry.profile, flags },
      { reports, render, warn: batch.warn, onResult: (_r, done) => onStep(done) },
    );
    const report = run.report;
    if (!run.ok) row.status = failureStatus(run.failure);
    else if (run.stopped) row.status = `The run stopped part-way: ${errorText(run.stopped)}`;
    if (row.status === "ok" && report.program) row.status = programStatus(report.program);
    // Graded on what the reference is graded on, and on the cases only a launched program has.
    const reference = await graded;
    const targets = run.ok ? subject.declared(profile) : {};
    render.graded = reference && new Set([
      ...reference,
      ...cases.filter((c) =>
        c.appliesTo.program && notApplicable(c, targets, profile, subject.launched) === null
      ).map((c) => c.id),
    ]);
    await writeReports(report, reports, { render, atomic: true });
    if (report.program) writeProgramLog(dir, report.program);
    scoreRow(row, report, rubric, render.graded, entry.dir);
    const notes = run.ok ? run.notes : [];
    if (notes.length > 0 && row.status === "ok") row.status = notes.join("; ");
  } catch (e) {
    row.status = `Internal error while grading: ${errorText(e)}`;
  }
  return row;
}
