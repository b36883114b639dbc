/**
 * Report writers. Each reads the finished result tree and renders one format; none does network
 * I/O.
 *
 * @module
 */
import type { RunReport } from "../harness/result.ts";
import { renderJson } from "./json.ts";

export { caseDetail, caseLine, closingLines, renderConsole, summaryLine } from "./console.ts";
export { renderJson } from "./json.ts";

/** Renders a report in one format. */
export type Render = (report: RunReport) => string;

/** Every `--report FORMAT:PATH` format, by name. */
export const WRITERS: Readonly<Record<string, Render>> = {
  json: renderJson,
};
