/**
 * The JUnit XML of a batch: one test case per student.
 *
 * @module
 */
import type { RunReport } from "../harness/mod.ts";
import type { GradebookRow } from "./gradebook.ts";
import { byGroup } from "./group.ts";
import { attrs, seconds, testcase, text } from "./junit.ts";

/**
 * The batch JUnit file of `grade` (`junit.xml` beside the gradebook), written a student at a time:
 * `JUNIT_BATCH.head`, then {@linkcode renderJunitStudent} for each roster row in roster order, then
 * `JUNIT_BATCH.tail`. Valid against the strict Ant JUnit schema.
 */
export const JUNIT_BATCH = {
  head: '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n',
  tail: "</testsuites>\n",
} as const;

/**
 * Renders one roster row of a batch as a `<testsuite>`: named by the student, one `<testcase>`
 * per case of their report (`classname` = their folder and the case's group, so a CI viewer nests
 * cases under students), score, status and report path as properties. A row with no report (a
 * malformed row, a duplicate) is one `<testcase name="grade">` in error, with the reason. No
 * transcripts: those are in the student's own reports.
 *
 * @param row The gradebook row.
 * @param report The student's report, or undefined when the row was not graded.
 * @param options `id`: the suite's position in the file, from 0; `dir`: the student's folder;
 *   `timestamp`: when the batch started (ISO 8601), for a row without a report.
 * @example
 * ```ts
 * import { JUNIT_BATCH, renderJunitStudent } from "./junit_batch.ts";
 * const row = { student: "fay", line: 7, groups: {}, groupMax: {}, status: "No target" };
 * const xml = JUNIT_BATCH.head +
 *   renderJunitStudent(row, undefined, { id: 0, timestamp: "2025-01-01T00:00:00.000Z" }) +
 *   JUNIT_BATCH.tail;
 * console.log(xml.includes('<error message="No target" type="not graded">')); // true
 * ```
 */
export function renderJunitStudent(
  row: GradebookRow,
  report: RunReport | undefined,
  options: { id: number; dir?: string; timestamp: string },
): string {
  const prefix = (options.dir ?? row.student).replace(/\./g, "_");
  const properties: [string, string][] = [
    ["student", row.student],
    ["roster.line", String(row.line)],
    ["status", row.status],
  ];
  if (row.total !== undefined) properties.push(["score", `${row.total}/${row.max}`]);
  if (row.report) properties.push(["report", row.report]);
  const out: string[] = [];
  const suite = (tests: number, failures: number, errors: number, skipped: number, ms: number) =>
    `  <testsuite ${
      attrs({
        name: row.student,
        package: prefix,
        id: String(options.id),
        // The schema wants a timestamp without a zone; both sources are UTC.
        timestamp: (report?.startedAt ?? options.timestamp).slice(0, 19),
        hostname: "localhost",
        tests: String(tests),
        failures: String(failures),
        errors: String(errors),
        skipped: String(skipped),
        time: seconds(ms),
      })
    }>`;
  if (!report) {
    out.push(
      suite(1, 0, 1, 0, 0),
      ...propertyLines(properties),
      `    <testcase ${attrs({ name: "grade", classname: prefix, time: "0.000" })}>`,
      `      <error ${attrs({ message: row.status, type: "not graded" })}>${
        text(row.status)
      }</error>`,
      "    </testcase>",
    );
  } else {
    properties.push(
      ["tool", `${report.tool.name} ${report.tool.version}`],
      ["seed", String(report.seed)],
      ["profile", report.profile],
      ...report.targets.map((t): [string, string] => [`target.${t.transport}`, t.url]),
    );
    const count = (...o: string[]) => report.cases.filter((c) => o.includes(c.outcome)).length;
    out.push(
      suite(
        report.cases.length,
        count("fail", "flaky"),
        count("error"),
        count("skip"),
        report.durationMs,
      ),
      ...propertyLines(properties),
    );
    for (const [group, cases] of byGroup(report.cases)) {
      for (const c of cases) out.push(...testcase(c, `${prefix}.${group}`));
    }
  }
  out.push(
    `    <system-out>${text(row.report ? `report: ${row.report}` : "")}</system-out>`,
    "    <system-err/>",
    "  </testsuite>",
  );
  return out.join("\n") + "\n";
}

function propertyLines(properties: readonly [string, string][]): string[] {
  return [
    "    <properties>",
    ...properties.map(([name, value]) => `      <property ${attrs({ name, value })}/>`),
    "    </properties>",
  ];
}
