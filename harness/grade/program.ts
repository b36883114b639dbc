/**
 * One step of `grade` for a roster row that gives the student's program (`command`, `dir`,
 * `build` columns) instead of targets: build it, launch it on fresh ports, run the cases with the
 * crash watch, kill everything it started, and write its reports and `program.log` (build output,
 * stdout and stderr, how it ended, restarts) into the student's folder. The gradebook's status
 * says `built`, `build failed: …`, `did not start: …`, `crashed N times`.
 *
 * @module
 */
import { emptyRow, scoreRow } from "./row.ts";
import {
  type GradebookRow,
  programStatus,
  programText,
  type RenderOptions,
} from "../../reports/mod.ts";
import {
  type Case,
  errorText,
  notApplicable,
  type Profile,
  type ProgramReport,
  runCases,
  type RunReport,
  UsageError,
  writeFileAtomicSync,
} from "../mod.ts";
import { canReadProc } from "../program/mod.ts";
import { notStartedReport, openExec } from "../subject/program/session.ts";
import { type ExecSpec, execSpec, withExec } from "../subject/program/spec.ts";
import { join, runWithLiveReports, studentReports, writeReports } from "../subject/output.ts";
import type { RosterEntry, RosterProgram } from "./roster.ts";
import { reproduceCommand, runOptions } from "../subject/run_flags.ts";
import type { Rubric } from "../../reports/rubric.ts";
import type { RunFlags } from "../subject/run_flags.ts";

/** What every program of a batch is graded with (a `Batch` of `student.ts` is one). */
export interface ProgramBatch {
  /** The cases each student runs. */
  cases: readonly Case[];
  /** The run flags of the batch. */
  flags: RunFlags;
  rubric: Rubric;
  /** Prints a line about a problem that does not stop the grading. */
  warn: (line: string) => void;
}

/**
 * Stops a batch before any grading when it has programs to launch and sockspec cannot watch them
 * (not Linux, or no `--allow-all`).
 *
 * @throws {UsageError} naming what is missing.
 */
export function checkCanLaunch(entries: readonly RosterEntry[]): void {
  if (!entries.some((e) => e.exec) || canReadProc()) return;
  throw new UsageError(
    "The roster's command column needs --allow-all: sockspec reads /proc to watch each " +
      "program (run deno task grade:exec, or deno run -A harness/cli/grade.ts)",
  );
}

/** The file in a student's folder with what their program did, as text. */
export const PROGRAM_LOG = "program.log";

/**
 * Grades a student's program into `row` (whose student, line and folder are set).
 *
 * @param entry The roster row; `entry.exec` is set.
 * @param batch What every student is graded with.
 * @param profile The row's profile, loaded.
 * @param dir The student's folder, created.
 * @param graded The cases the profile's reference does not skip (the process cases are added).
 * @param onStep Called as each case ends.
 */
export async function gradeProgram(
  entry: RosterEntry & { exec: RosterProgram },
  batch: ProgramBatch,
  profile: Profile,
  dir: string,
  graded: Promise<ReadonlySet<string> | undefined>,
  onStep: (done: number) => void,
): Promise<GradebookRow> {
  const { cases, flags, rubric } = batch;
  const row = emptyRow(entry);
  let spec: ExecSpec;
  try {
    spec = execSpec({ command: entry.exec.command, cwd: entry.exec.cwd, build: entry.exec.build });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    row.status = `cannot run: ${e.message}`;
    return row;
  }
  const reproduce = (id: string) => withExec(reproduceCommand(flags, {}, entry.profile, id), spec);
  const render: RenderOptions = { rubric };
  const reports = studentReports(dir);
  const meta = {
    targets: {},
    profile: profile.name,
    seed: flags.seed,
    strict: flags.strict,
    reproduce,
  };
  const opened = await openExec(spec, profile);
  let report: RunReport;
  if (!opened.ok) {
    report = notStartedReport(cases, meta, opened);
    row.status = opened.kind === "build"
      ? `build failed: ${opened.program.build?.description ?? opened.message}`
      : opened.kind === "command"
      ? `cannot run: ${opened.message}`
      : `did not start: ${opened.message.replace(/^The program did not start: /, "")}`;
  } else {
    const ran = await runWithLiveReports(
      cases,
      { ...meta, targets: opened.targets() },
      { reports, render, warn: batch.warn },
      (onResult) =>
        runCases(
          cases,
          opened.runOptions({
            ...runOptions(flags),
            targets: opened.targets(),
            profile,
            reproduce,
            onResult: (r, done) => {
              onResult(r);
              onStep(done);
            },
          }),
        ),
    );
    report = { ...ran.report, program: await opened.close() };
    if (ran.stopped) row.status = `The run stopped part-way: ${errorText(ran.stopped)}`;
    if (row.status === "ok") row.status = programStatus(report.program!);
  }
  // Graded on what the reference is graded on, and on the process cases a program can be.
  const reference = await graded;
  const targets = opened.ok ? opened.targets() : {};
  render.graded = reference && new Set([
    ...reference,
    ...cases.filter((c) => c.appliesTo.program && notApplicable(c, targets, profile, true) === null)
      .map((c) => c.id),
  ]);
  await writeReports(report, reports, { render, atomic: true });
  if (report.program) writeFileAtomicSync(join(dir, PROGRAM_LOG), programLog(report.program));
  scoreRow(row, report, rubric, render.graded, entry.dir);
  return row;
}

function programLog(p: ProgramReport): string {
  return programText(p) + "\n";
}
