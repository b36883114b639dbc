/**
 * The Gradescope `results.json`: scores per case from the rubric, with the evidence as output.
 *
 * @module
 */
import type { CaseResult, RunReport } from "../harness/mod.ts";
import { DEFAULT_RUBRIC, type Rubric, scoreReport, type Visibility } from "./rubric.ts";
import { summaryLine } from "./console.ts";
import { transcriptLines } from "./_transcript.ts";
import { subjectSection } from "./section.ts";

/** One test of a Gradescope `results.json`. */
export interface GradescopeTest {
  name: string;
  /** Sort key shown by Gradescope: group number, then case number (`2.3`). */
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: Visibility;
  tags: string[];
  extra_data: { id: string; outcome: CaseResult["outcome"] };
}

/** A Gradescope autograder `results.json`. */
export interface GradescopeResults {
  /** The sum of the tests' scores. */
  score: number;
  /** Seconds the run took. */
  execution_time: number;
  output: string;
  tests: GradescopeTest[];
  extra_data: {
    tool: string;
    profile: string;
    seed: number;
    targets: string[];
    max_score: number;
    summary: RunReport["summary"];
  };
}

/** How many transcript lines one test's output keeps. */
const TRANSCRIPT_LINES = 40;

/**
 * Builds Gradescope's `results.json` for a run: one test per case the rubric counts (and, when
 * `graded` is given, only those; see {@linkcode scoreReport}), with its points, visibility, a
 * `passed`/`failed` status (a warn passes with partial points) and the evidence as output; the
 * top-level score is the tests' scores added up.
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { gradescopeResults } from "./gradescope.ts";
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
 * const r = gradescopeResults(report);
 * console.log(r.score === r.tests.reduce((s, t) => s + t.score, 0)); // true
 * ```
 */
export function gradescopeResults(
  report: RunReport,
  rubric: Rubric = DEFAULT_RUBRIC,
  graded?: ReadonlySet<string>,
): GradescopeResults {
  const sheet = scoreReport(report, rubric, graded);
  const byId = new Map(report.cases.map((c) => [c.id, c]));
  const groupNumber = new Map<string, number>();
  const inGroup = new Map<string, number>();
  const tests = sheet.cases.map((s): GradescopeTest => {
    const c = byId.get(s.id)!;
    if (!groupNumber.has(s.group)) groupNumber.set(s.group, groupNumber.size + 1);
    inGroup.set(s.group, (inGroup.get(s.group) ?? 0) + 1);
    return {
      name: `${c.id}: ${c.title}`,
      number: `${groupNumber.get(s.group)}.${inGroup.get(s.group)}`,
      score: s.score,
      max_score: s.max,
      status: c.outcome === "pass" || c.outcome === "info" || c.outcome === "warn"
        ? "passed"
        : "failed",
      output: output(c),
      visibility: s.visibility,
      tags: [s.group, c.outcome],
      extra_data: { id: c.id, outcome: c.outcome },
    };
  });
  const section = subjectSection(report);
  return {
    score: sheet.score,
    execution_time: Math.round(report.durationMs / 1000),
    output: [
      `${report.tool.name} ${report.tool.version}: ${summaryLine(report.summary)}`,
      `Score ${sheet.score} of ${sheet.max}. Targets ${
        report.targets.map((t) => t.url).join(", ") || "none"
      }, profile ${report.profile}, seed ${report.seed}.`,
      ...(section ? ["", section.text] : []),
    ].join("\n"),
    tests,
    extra_data: {
      tool: `${report.tool.name} ${report.tool.version}`,
      profile: report.profile,
      seed: report.seed,
      targets: report.targets.map((t) => t.url),
      max_score: sheet.max,
      summary: report.summary,
    },
  };
}

/** The evidence of one case as plain text. */
function output(c: CaseResult): string {
  const lines = [`${c.outcome.toUpperCase()}: ${c.title}`, `Requirement: ${c.requirement}`];
  if (c.message) lines.push(`Observed: ${c.message}`);
  if (c.repeats) lines.push(`Outcomes of the repeats: ${c.repeats.join(", ")}`);
  if (c.expected !== undefined) lines.push(`Expected: ${c.expected}`);
  if (c.actual !== undefined) lines.push(`Actual:   ${c.actual}`);
  if (c.outcome !== "pass" && c.outcome !== "skip" && c.transcript.length > 0) {
    const events = transcriptLines(c.transcript);
    lines.push("Transcript:", ...events.slice(0, TRANSCRIPT_LINES));
    if (events.length > TRANSCRIPT_LINES) {
      lines.push(`… ${events.length - TRANSCRIPT_LINES} more events in the HTML report`);
    }
  }
  if (c.reproduce) lines.push(`Reproduce: ${c.reproduce}`);
  return lines.join("\n");
}

/**
 * Renders Gradescope's `results.json` (see {@linkcode gradescopeResults}).
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { renderGradescope } from "./gradescope.ts";
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
 * // The file a Gradescope autograder leaves in /autograder/results/results.json:
 * console.log(JSON.parse(renderGradescope(report)).tests.length); // 1
 * ```
 */
export function renderGradescope(
  report: RunReport,
  options: { rubric?: Rubric; graded?: ReadonlySet<string> } = {},
): string {
  return JSON.stringify(gradescopeResults(report, options.rubric, options.graded), null, 2) + "\n";
}
