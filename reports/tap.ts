/**
 * The TAP 13 report: one test point per case, the evidence as YAML.
 *
 * @module
 */
import { stringify } from "@std/yaml";
import { type CaseResult, isProblem, type RunReport } from "../harness/mod.ts";
import { subjectSection } from "./section.ts";
import { summaryLine } from "./console.ts";
import { transcriptLines } from "./_transcript.ts";

/**
 * Renders a TAP version 14 stream: the plan, one test point per case (`ok`/`not ok N - id`),
 * `# SKIP reason` for skips, and a YAML diagnostic block (indented two spaces, between `---` and
 * `...`) with the requirement, expected, actual and reproduce line for every case that is not a
 * plain pass.
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { renderTap } from "./tap.ts";
 * const report = await runCases([{
 *   id: "demo.pass",
 *   title: "Passes",
 *   requirement: "Nothing",
 *   appliesTo: { transport: "any" },
 *   run: async () => {},
 * }], {
 *   targets: { tcp: makeTarget("tcp", "127.0.0.1", 9) },
 *   profile: { name: "echo", description: "", transports: ["tcp"], framing: { kind: "stream" } },
 *   seed: 1,
 * });
 * console.log(renderTap(report).split("\n")[0]); // "TAP version 14"
 * ```
 */
export function renderTap(report: RunReport): string {
  const out = [
    "TAP version 14",
    `# ${report.tool.name} ${report.tool.version} · profile ${report.profile} · seed ${report.seed} · ${
      report.targets.map((t) => t.url).join(" ")
    }`,
    `1..${report.cases.length}`,
  ];
  report.cases.forEach((c, i) => out.push(...testPoint(c, i + 1)));
  out.push(...(subjectSection(report)?.lines ?? []).map((l) => `# ${oneLine(l)}`));
  out.push(`# ${oneLine(summaryLine(report.summary))}`, "");
  return out.join("\n");
}

function testPoint(c: CaseResult, n: number): string[] {
  const ok = isProblem(c) ? "not ok" : "ok";
  const skip = c.outcome === "skip" ? ` # SKIP ${oneLine(c.message).replaceAll("#", "\\#")}` : "";
  const line = `${ok} ${n} - ${description(c.id)}${skip}`;
  if (c.outcome === "pass" || c.outcome === "skip") return [line];
  const diag: Record<string, unknown> = {
    outcome: c.outcome,
    title: c.title,
    message: c.message,
    requirement: c.requirement,
  };
  if (c.expected !== undefined) diag.expected = c.expected;
  if (c.actual !== undefined) diag.actual = c.actual;
  if (c.expectedHex) diag.expectedHex = c.expectedHex;
  if (c.actualHex) diag.actualHex = c.actualHex;
  if (c.repeats) diag.repeats = c.repeats;
  if (c.data) diag.data = c.data;
  if (ok === "not ok" && c.transcript.length > 0) diag.transcript = transcriptLines(c.transcript);
  if (c.reproduce) diag.reproduce = c.reproduce;
  diag.durationMs = c.durationMs;
  const yaml = stringify(diag, { lineWidth: -1, skipInvalid: true }).replace(/\n$/, "");
  return [line, "  ---", ...yaml.split("\n").map((l: string) => `  ${l}`), "  ..."];
}

/** A test point description: `\` and `#` escaped, on one line. */
function description(s: string): string {
  return oneLine(s).replaceAll("\\", "\\\\").replaceAll("#", "\\#");
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}
