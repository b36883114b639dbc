import { assertEquals, assertStringIncludes } from "@std/assert";
import { JUNIT_BATCH, renderJunitStudent } from "./junit_batch.ts";
import { HOSTILE, syntheticReport } from "./_test_utils.ts";
import type { GradebookRow } from "./gradebook.ts";

/** The strict Ant JUnit schema, beside the repo: ../shared/schemas/junit.xsd. */
const SCHEMA = new URL("../../shared/schemas/junit.xsd", import.meta.url).pathname;

async function xmllint(): Promise<string | null> {
  try {
    await Deno.stat(SCHEMA);
    await new Deno.Command("xmllint", { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    return null;
  } catch {
    return `no schema at ${SCHEMA} or no xmllint (apt-get install libxml2-utils)`;
  }
}

const missing = await xmllint();
if (missing) console.warn(`junit_batch_test: skipping schema validation: ${missing}`);

/** A batch of three rows: graded, graded with a hostile name, not graded. */
function batch(): string {
  const report = syntheticReport();
  const graded: GradebookRow = {
    student: "ada",
    line: 2,
    groups: {},
    groupMax: {},
    total: 3,
    max: 8,
    report: "ada/report.html",
    status: "ok",
  };
  const hostile: GradebookRow = { ...graded, student: HOSTILE, line: 3, report: "x/report.html" };
  const malformed: GradebookRow = {
    student: HOSTILE,
    line: 4,
    groups: {},
    groupMax: {},
    status: HOSTILE,
  };
  const timestamp = "2025-01-01T00:00:00.000Z";
  return JUNIT_BATCH.head +
    renderJunitStudent(graded, report, { id: 0, dir: "ada", timestamp }) +
    renderJunitStudent(hostile, report, { id: 1, dir: "x", timestamp }) +
    renderJunitStudent(malformed, undefined, { id: 2, timestamp }) +
    JUNIT_BATCH.tail;
}

Deno.test({
  name: "renderJunitStudent() rows, graded and not, with hostile text validate against junit.xsd",
  ignore: missing !== null,
  async fn() {
    const path = await Deno.makeTempFile({ suffix: ".xml" });
    try {
      await Deno.writeTextFile(path, batch());
      const out = await new Deno.Command("xmllint", {
        args: ["--noout", "--schema", SCHEMA, path],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    } finally {
      await Deno.remove(path);
    }
  },
});

Deno.test("renderJunitStudent() makes one testsuite per student, cases under their folder", () => {
  const xml = batch();
  assertEquals(xml.match(/<testsuite /g)?.length, 3);
  const report = syntheticReport();
  assertEquals(xml.match(/classname="ada\./g)?.length, report.cases.length);
  assertStringIncludes(xml, '<property name="score" value="3/8"/>');
  assertStringIncludes(xml, '<testcase name="grade" classname="');
  assertStringIncludes(xml, 'type="not graded"');
});
