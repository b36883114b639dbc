import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parseRubricText } from "./rubric.ts";
import { gradescopeResults, renderGradescope } from "./gradescope.ts";
import { sampleRuns, syntheticReport } from "./_test_utils.ts";

const VISIBILITIES = ["visible", "hidden", "after_due_date", "after_published"];

/** Checks the fields Gradescope's autograder spec asks for, and that the scores add up. */
function assertResultsShape(json: string) {
  const r = JSON.parse(json);
  assertEquals(typeof r.score, "number");
  assertEquals(Number.isInteger(r.execution_time), true);
  assertEquals(typeof r.output, "string");
  assert(Array.isArray(r.tests) && r.tests.length > 0);
  const numbers = new Set<string>();
  for (const t of r.tests) {
    for (const key of ["name", "number", "output"]) assertEquals(typeof t[key], "string", key);
    assertEquals(typeof t.score, "number");
    assertEquals(typeof t.max_score, "number");
    assert(t.score >= 0 && t.score <= t.max_score, `${t.name}: ${t.score} of ${t.max_score}`);
    assert(["passed", "failed"].includes(t.status));
    assert(VISIBILITIES.includes(t.visibility));
    assert(Array.isArray(t.tags) && t.tags.every((x: unknown) => typeof x === "string"));
    assert(!numbers.has(t.number), `unique number ${t.number}`);
    numbers.add(t.number);
  }
  const sum = r.tests.reduce((s: number, t: { score: number }) => s + Math.round(t.score * 100), 0);
  assertEquals(Math.round(r.score * 100), sum, "the tests' scores add up to the score");
  const max = r.tests.reduce((s: number, t: { max_score: number }) => s + t.max_score * 100, 0);
  assertEquals(Math.round(r.extra_data.max_score * 100), Math.round(max));
  return r;
}

Deno.test("renderGradescope() writes results.json with the spec's fields for real runs", async () => {
  const { reference, mutant } = await sampleRuns();
  const ref = assertResultsShape(renderGradescope(reference));
  assertEquals(ref.score, ref.extra_data.max_score, "the reference earns every point");
  assert(ref.tests.every((t: { status: string }) => t.status === "passed"));
  const bad = assertResultsShape(renderGradescope(mutant));
  assert(bad.score < bad.extra_data.max_score);
  const failed = bad.tests.find((t: { name: string }) =>
    t.name.startsWith("tcp.basic.single-request")
  );
  assertEquals([failed.status, failed.score], ["failed", 0]);
  assertStringIncludes(failed.output, "Expected:");
  assertStringIncludes(
    failed.output,
    "Reproduce: deno task conform --only tcp.basic.single-request",
  );
});

Deno.test("gradescopeResults() takes points, visibility and counted groups from the rubric", () => {
  const rubric = parseRubricText(
    `count = ["tcp"]
warn = 1
[groups."tcp.basic"]
total = 9
visibility = "after_published"
[cases."tcp.backlog.measure"]
points = 4
visibility = "hidden"`,
    "r.toml",
  );
  const r = assertResultsShape(renderGradescope(syntheticReport(), { rubric }));
  const byId = new Map(r.tests.map((t: { extra_data: { id: string } }) => [t.extra_data.id, t]));
  assertEquals(byId.has("udp.basic.single-datagram"), false, "udp does not count");
  assertEquals(
    byId.has("tcp.framing.split-header"),
    false,
    "a case that does not apply is left out",
  );
  const measure = byId.get("tcp.backlog.measure") as Record<string, unknown>;
  assertEquals([measure.max_score, measure.visibility, measure.score], [4, "hidden", 4]);
  const connect = byId.get("tcp.basic.connect") as Record<string, unknown>;
  assertEquals([connect.max_score, connect.visibility, connect.number], [
    3,
    "after_published",
    "1.1",
  ]);
  const warn = byId.get("tcp.halfclose.eof-closes") as Record<string, unknown>;
  assertEquals([warn.status, warn.score, warn.max_score], ["passed", 1, 1]);
  const flaky = byId.get("tcp.framing.byte-by-byte") as Record<string, unknown>;
  assertEquals([flaky.status, flaky.score], ["failed", 0]);
  assertStringIncludes(String(flaky.output), "Outcomes of the repeats: pass, fail, pass");
  assertEquals(r.score, 3 + 4 + 1);
});

Deno.test("gradescopeResults() numbers tests by group, then case", () => {
  const r = gradescopeResults(syntheticReport());
  assertEquals(r.tests.map((t) => t.number), ["1.1", "1.2", "1.3", "2.1", "3.1", "4.1"]);
});

Deno.test("gradescopeResults() scores exactly the graded cases: a skip among them earns 0", () => {
  const graded = new Set(["tcp.basic.connect", "udp.basic.single-datagram"]);
  const r = gradescopeResults(syntheticReport(), undefined, graded);
  assertEquals(r.tests.map((t) => [t.extra_data.id, t.status, t.score, t.max_score]), [
    ["tcp.basic.connect", "passed", 2, 2],
    ["udp.basic.single-datagram", "failed", 0, 2],
  ]);
  assertEquals([r.score, r.extra_data.max_score], [2, 4]);
  assertStringIncludes(r.tests[1].output, "SKIP: Title of udp.basic.single-datagram");
});
