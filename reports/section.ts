/**
 * A subject's section of a report, built in one place for every writer: what the report says
 * about the thing under test besides its cases (for a launched program: the command, its starts
 * and deaths, and its build and program output). Writers only lay it out; a subject with more to
 * say adds it here, not in six writers.
 *
 * @module
 */
import type { RunReport } from "../harness/mod.ts";
import { programLines, programOutput } from "./program.ts";

/** What the report says about its subject, ready to lay out. */
export interface Section {
  /** Its heading: `Program under test`. */
  title: string;
  /** What it is, in one line: the command and how often it started. */
  head: string;
  /** Its summary lines: `program: …` first, then one per event (a death). */
  lines: string[];
  /** The heading of its output: `Build and program output`. */
  outputTitle: string;
  /** Its output: the build's, then each start's stdout and stderr. */
  output: string[];
  /** The summary lines, a blank line and the output, as one text. */
  text: string;
}

/**
 * The report's subject section, or undefined when its subject has none (an address, a client).
 *
 * @example
 * ```ts
 * import { PartialRun } from "../harness/mod.ts";
 * import { subjectSection } from "./section.ts";
 * const report = new PartialRun([], { targets: {}, profile: "echo", seed: 1, strict: false })
 *   .report();
 * subjectSection(report); // undefined
 * ```
 */
export function subjectSection(report: RunReport): Section | undefined {
  const p = report.program;
  if (!p) return undefined;
  const lines = programLines(p);
  const output = programOutput(p);
  return {
    title: "Program under test",
    head: lines[0].replace(/^program: /, ""),
    lines,
    outputTitle: "Build and program output",
    output,
    text: [...lines, "", ...output].join("\n"),
  };
}

/**
 * What the run tested, in one line: the client's command, or the targets.
 *
 * @example
 * ```ts
 * import { PartialRun, parseTargets } from "../harness/mod.ts";
 * import { subjectLine } from "./section.ts";
 * const targets = parseTargets(["tcp://127.0.0.1:7"]);
 * subjectLine(new PartialRun([], { targets, profile: "echo", seed: 1, strict: false }).report());
 * // "tcp://127.0.0.1:7"
 * ```
 */
export function subjectLine(report: RunReport): string {
  return report.client ? `client ${report.client}` : report.targets.map((t) => t.url).join(" ");
}
