/**
 * The gradebook of a batch: one row per student, as CSV and as Markdown.
 *
 * @module
 */
import { stringify } from "@std/csv";
import { escape } from "@std/html";
import { OUTCOMES, type ProgramReport, type Summary } from "../harness/mod.ts";

/** One student's line in the gradebook. */
export interface GradebookRow {
  /** The student as the roster names them (for a malformed row: what the row held). */
  student: string;
  /** The roster line the row came from. */
  line: number;
  /** Points earned; absent when the row could not be graded. */
  total?: number;
  /** Points possible; absent when the row could not be graded. */
  max?: number;
  /** Points earned by group. */
  groups: Record<string, number>;
  /** Points possible by group. */
  groupMax: Record<string, number>;
  /** Outcome counts. */
  summary?: Summary;
  /** The HTML report, relative to the gradebook. */
  report?: string;
  /**
   * `ok`, or why the row was not (fully) graded: a malformed row, an unreachable target, a build
   * that failed. A launched program's row says `built` and how often it crashed (see
   * {@linkcode gradedStatus}).
   */
  status: string;
}

/**
 * Whether a status says the row was graded in full: `ok`, `built`, `crashed N times` (a program
 * that died during its run and was restarted is graded on what it did), or `built, crashed N times`.
 *
 * @example
 * ```ts
 * import { gradedStatus } from "./gradebook.ts";
 * gradedStatus("built, crashed 2 times"); // true
 * gradedStatus("build failed: exited with status 1"); // false
 * ```
 */
export function gradedStatus(status: string): boolean {
  return /^(ok|built|crashed \d+ times?|built, crashed \d+ times?)$/.test(status);
}

/**
 * The gradebook status of a program that ran: `built` or `ok`, and `crashed N times` when it died
 * during the run.
 *
 * @example
 * ```ts
 * import { programStatus } from "./gradebook.ts";
 * programStatus({
 *   command: "./server {port}",
 *   limits: { files: 1024, processes: 256, memory: null, cpu: 60 },
 *   build: { command: "make", ok: true, description: "exited with status 0", durationMs: 9, output: "" },
 *   starts: [],
 *   restarts: 2,
 *   deaths: [],
 * }); // "built"
 * ```
 */
export function programStatus(p: ProgramReport): string {
  const crashed = p.deaths.length === 0
    ? ""
    : `crashed ${p.deaths.length} time${p.deaths.length === 1 ? "" : "s"}`;
  if (p.build) return crashed ? `built, ${crashed}` : "built";
  return crashed || "ok";
}

/**
 * Renders `gradebook.csv`: a header, then one row per student with total, max, points per group,
 * outcome counts, the report path and the status. Cells a spreadsheet would run as a formula are
 * prefixed with `'`.
 *
 * @param rows The students, in roster order.
 * @param groups The group columns, in order.
 * @example
 * ```ts
 * import { renderGradebookCsv } from "./gradebook.ts";
 * const rows = [{ student: "ada", line: 2, groups: { "tcp.basic": 3 }, groupMax: { "tcp.basic": 3 }, total: 3, max: 3, status: "ok" }];
 * console.log(renderGradebookCsv(rows, ["tcp.basic"]).split("\n")[0]); // the header row
 * ```
 */
export function renderGradebookCsv(
  rows: readonly GradebookRow[],
  groups: readonly string[],
): string {
  const header = ["student", "total", "max", ...groups, ...OUTCOMES, "report", "status", "line"];
  const body = rows.map((r) => [
    safeCell(r.student),
    num(r.total),
    num(r.max),
    ...groups.map((g) => r.total === undefined ? "" : num(r.groups[g] ?? 0)),
    ...OUTCOMES.map((o) => r.summary ? String(r.summary[o]) : ""),
    safeCell(r.report ?? ""),
    safeCell(r.status),
    String(r.line),
  ]);
  return stringify([header, ...body], { headers: false });
}

/**
 * Renders `gradebook.md`: the same rows as a Markdown table, points as `earned/max`, with a link to
 * each report.
 */
export function renderGradebookMarkdown(
  rows: readonly GradebookRow[],
  groups: readonly string[],
  title = "Gradebook",
): string {
  const graded = rows.filter((r) => r.total !== undefined);
  const out = [
    `# ${md(title)}`,
    "",
    `${rows.length} students, ${graded.length} graded, ${
      rows.filter((r) => !gradedStatus(r.status)).length
    } with problems.`,
    "",
    `| Student | Score | ${groups.map((g) => `\`${g}\``).join(" | ")}${groups.length ? " | " : ""}${
      OUTCOMES.join(" | ")
    } | Report | Status |`,
    `|---|---:|${groups.map(() => "---:|").join("")}${
      OUTCOMES.map(() => "---:|").join("")
    }---|---|`,
  ];
  for (const r of rows) {
    const score = r.total === undefined ? "" : `${num(r.total)}/${num(r.max)}`;
    const perGroup = groups.map((g) =>
      r.total === undefined || r.groupMax[g] === undefined
        ? ""
        : `${num(r.groups[g] ?? 0)}/${num(r.groupMax[g])}`
    );
    const counts = OUTCOMES.map((o) => (r.summary ? String(r.summary[o]) : ""));
    const link = r.report ? `[html](${encodeURI(r.report)})` : "";
    out.push(
      `| ${[md(r.student), score, ...perGroup, ...counts, link, md(r.status)].join(" | ")} |`,
    );
  }
  return out.join("\n") + "\n";
}

function num(n: number | undefined): string {
  return n === undefined ? "" : String(Math.round(n * 100) / 100);
}

/** A text cell a spreadsheet will not run as a formula. */
function safeCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Text for a Markdown table cell: one line, HTML and Markdown markup escaped. */
function md(s: string): string {
  return escape(s.replace(/[\r\n]+/g, " ").replace(/[\\`*_[\]|#~]/g, (m) => `\\${m}`));
}
