/**
 * A student's gradebook row: the empty row a grading step starts from, and the scores a finished
 * report earns. Shared by the two grading steps (a target, and a launched program).
 *
 * @module
 */
import type { GradebookRow } from "../../reports/mod.ts";
import { type Rubric, scoreReport } from "../../reports/rubric.ts";
import type { RunReport } from "../mod.ts";
import { STUDENT_FILES } from "../subject/output.ts";
import type { RosterEntry } from "./roster.ts";

/**
 * The row of a student not graded yet: status `ok`, no scores.
 *
 * @example
 * ```ts
 * import { emptyRow } from "./row.ts";
 * emptyRow({ student: "ada", line: 2 }).status; // "ok"
 * ```
 */
export function emptyRow(entry: Pick<RosterEntry, "student" | "line">): GradebookRow {
  return { student: entry.student, line: entry.line, groups: {}, groupMax: {}, status: "ok" };
}

/**
 * Fills `row` with what `report` earns under `rubric` (total, maximum, points per group, outcome
 * counts) and the path of the student's HTML report.
 *
 * @param graded The cases that count (see `scoreReport`).
 * @example
 * ```ts
 * import { emptyRow, scoreRow } from "./row.ts";
 * import { DEFAULT_RUBRIC } from "../../reports/rubric.ts";
 * import { summarize } from "../mod.ts";
 * const row = emptyRow({ student: "ada", line: 2 });
 * scoreRow(row, {
 *   tool: { name: "sockspec", version: "0" },
 *   targets: [],
 *   profile: "echo",
 *   seed: 1,
 *   strict: false,
 *   startedAt: new Date().toISOString(),
 *   durationMs: 1,
 *   summary: summarize([]),
 *   cases: [],
 * }, DEFAULT_RUBRIC, undefined, "ada");
 * console.log(row.report); // "ada/report.html"
 * ```
 */
export function scoreRow(
  row: GradebookRow,
  report: RunReport,
  rubric: Rubric,
  graded: ReadonlySet<string> | undefined,
  dir: string,
): void {
  const sheet = scoreReport(report, rubric, graded);
  row.total = sheet.score;
  row.max = sheet.max;
  for (const [g, s] of Object.entries(sheet.groups)) {
    row.groups[g] = s.score;
    row.groupMax[g] = s.max;
  }
  row.summary = report.summary;
  row.report = `${dir}/${STUDENT_FILES.html}`;
}
