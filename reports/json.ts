/**
 * The JSON report: the result tree as it is.
 *
 * @module
 */
import type { RunReport } from "../harness/mod.ts";

/**
 * Renders the JSON report: the result tree as it is, the contract every other writer and outside
 * tool reads.
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { renderJson } from "./json.ts";
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
 * console.log(JSON.parse(renderJson(report)).summary.pass); // 1
 * ```
 */
export function renderJson(report: RunReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
