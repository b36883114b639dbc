import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { renderMarkdown, STEP_SUMMARY_LIMIT } from "./markdown.ts";
import { syntheticReport } from "./_test_utils.ts";

Deno.test("renderMarkdown() has an outcome table, a case table, then each failure", () => {
  const md = renderMarkdown(syntheticReport());
  assertStringIncludes(md, "## sockspec 0.1.0: failed");
  assertStringIncludes(md, "| pass | fail | error | skip | warn | info | flaky |");
  assertStringIncludes(md, "| 1 | 1 | 1 | 2 | 1 | 1 | 1 |");
  assertStringIncludes(
    md,
    "| `tcp.basic.single-request` | **fail** | Title of tcp.basic.single-request |",
  );
  const failures = md.slice(md.indexOf("### Failures"));
  assertEquals(
    [...failures.matchAll(/^#### `([^`]+)`: (\w+)$/gm)].map((m) => `${m[1]} ${m[2]}`),
    [
      "tcp.basic.single-request fail",
      "tcp.basic.clean-close error",
      "tcp.framing.byte-by-byte flaky",
    ],
  );
  assertStringIncludes(failures, 'Expected:\n\n```text\n3 bytes "abc"\n```');
  assertStringIncludes(
    failures,
    "```sh\ndeno task conform --only tcp.basic.single-request --seed 9\n```",
  );
  assertStringIncludes(failures, "- Outcomes of the repeats: pass, fail, pass");
});

Deno.test("renderMarkdown() keeps a target's text from adding markup", () => {
  const md = renderMarkdown(syntheticReport());
  const outsideFences = md.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, "");
  assert(!outsideFences.includes("<script>"), "no raw HTML outside code blocks");
  assertStringIncludes(outsideFences, "&lt;script&gt;");
  assertStringIncludes(outsideFences, "\\| pipes");
  // Inside a fence, the text is literal and the fence cannot be closed by it.
  assertStringIncludes(md, "```text\n<script>alert(1)</script>");
});

Deno.test("renderMarkdown() stays under its size limit, listing the failures left out", () => {
  const report = syntheticReport();
  const big = report.cases[1];
  report.cases = Array.from({ length: 400 }, (_, i) => ({
    ...big,
    id: `tcp.big.case-${i}`,
    actual: "x".repeat(5000),
  }));
  const md = renderMarkdown(report, 100_000);
  assert(new TextEncoder().encode(md).length <= 100_000, "under the limit");
  assertStringIncludes(md, "more failures left out to stay under the size limit");
  assert(renderMarkdown(syntheticReport()).length < STEP_SUMMARY_LIMIT);
});
