import type { RunReport } from "../harness/mod.ts";

/**
 * Renders the JSON report: the result tree as it is, the contract every other writer and outside
 * tool reads.
 *
 * @example
 * ```ts
 * import { renderJson } from "./json.ts";
 * // await Deno.writeTextFile("report.json", renderJson(report));
 * ```
 */
export function renderJson(report: RunReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
