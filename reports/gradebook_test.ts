import { assertEquals, assertStringIncludes } from "@std/assert";
import { parse } from "@std/csv";
import { type GradebookRow, renderGradebookCsv, renderGradebookMarkdown } from "./gradebook.ts";

const ROWS: GradebookRow[] = [
  {
    student: "ada",
    line: 2,
    total: 7.5,
    max: 10,
    groups: { "tcp.basic": 6, "udp.basic": 1.5 },
    groupMax: { "tcp.basic": 6, "udp.basic": 4 },
    summary: { pass: 4, fail: 1, error: 0, skip: 0, warn: 1, info: 0, flaky: 0 },
    report: "ada/report.html",
    status: "ok",
  },
  {
    student: '=HYPERLINK("http://x","y"), "quoted" | <b>',
    line: 3,
    groups: {},
    groupMax: {},
    status: "Duplicate student",
  },
];

Deno.test("renderGradebookCsv() writes one row per student that a CSV reader reads back", () => {
  const rows = parse(renderGradebookCsv(ROWS, ["tcp.basic", "udp.basic"])) as string[][];
  assertEquals(rows[0], [
    "student",
    "total",
    "max",
    "tcp.basic",
    "udp.basic",
    "pass",
    "fail",
    "error",
    "skip",
    "warn",
    "info",
    "flaky",
    "report",
    "status",
    "line",
  ]);
  assertEquals(rows[1], [
    "ada",
    "7.5",
    "10",
    "6",
    "1.5",
    "4",
    "1",
    "0",
    "0",
    "1",
    "0",
    "0",
    "ada/report.html",
    "ok",
    "2",
  ]);
  assertEquals(rows[2][0], `'=HYPERLINK("http://x","y"), "quoted" | <b>`, "no formula");
  assertEquals(rows[2].slice(1, 13), Array(12).fill(""));
  assertEquals(rows[2][13], "Duplicate student");
});

Deno.test("renderGradebookMarkdown() shows earned/max per group and escapes names", () => {
  const md = renderGradebookMarkdown(ROWS, ["tcp.basic", "udp.basic"]);
  assertStringIncludes(
    md,
    "| ada | 7.5/10 | 6/6 | 1.5/4 | 4 | 1 | 0 | 0 | 1 | 0 | 0 | [html](ada/report.html) | ok |",
  );
  assertStringIncludes(md, "\\| &lt;b&gt;");
  assertStringIncludes(md, "2 students, 1 graded, 1 with problems.");
});
