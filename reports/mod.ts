/**
 * Report writers. Each reads the finished result tree and renders one format; none does network
 * I/O.
 *
 * @module
 */
import type { RunReport } from "../harness/mod.ts";
import type { Rubric } from "./rubric.ts";
import { renderGradescope } from "./gradescope.ts";
import { renderHtml } from "./html.ts";
import { renderJson } from "./json.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderTap } from "./tap.ts";
export { caseDetail, caseLine, closingLines, summaryLine } from "./console.ts";
export { annotation, escapeData, escapeProperty, githubAnnotations } from "./github.ts";
export {
  type GradebookRow,
  gradedStatus,
  programStatus,
  renderGradebookCsv,
  renderGradebookMarkdown,
} from "./gradebook.ts";
export {
  type GradescopeResults,
  gradescopeResults,
  type GradescopeTest,
  renderGradescope,
} from "./gradescope.ts";
export { renderHtml } from "./html.ts";
export { renderJson } from "./json.ts";
export { renderJunit } from "./junit.ts";
export { renderMarkdown, STEP_SUMMARY_LIMIT } from "./markdown.ts";
export { deathLine, programLines, programOutput, programText } from "./program.ts";
export { BatchProgress, ProgressLine, progressText, RunProgress } from "./progress.ts";
export { renderTap } from "./tap.ts";

/** What a writer may need besides the report. */
export interface RenderOptions {
  /** Points and visibility for the gradescope writer (default: the shipped rubric). */
  rubric?: Rubric;
  /** The cases the gradescope writer scores (default: every case not skipped). */
  graded?: ReadonlySet<string>;
}

/** Renders a report in one format. */
export type Render = (report: RunReport, options?: RenderOptions) => string;

/** Every `--report FORMAT:PATH` format, by name. */
export const WRITERS: Readonly<Record<string, Render>> = {
  json: renderJson,
  junit: renderJunit,
  tap: renderTap,
  md: (report) => renderMarkdown(report),
  html: renderHtml,
  gradescope: renderGradescope,
};
