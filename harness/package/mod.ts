/**
 * The sockspec package: its cases, the runner, the built-in profiles with their reference
 * servers, targets and the report writers, in one import. The engine alone is the `./engine`
 * export (`harness/mod.ts`); the `./testing` export registers the cases as `Deno.test`s.
 *
 * @example
 * ```ts
 * import { ALL_CASES, PROFILES, runCases, selectCases, serve, WRITERS } from "./mod.ts";
 *
 * // The lp16 reference server on ephemeral loopback ports, and the basic TCP cases against it.
 * await using served = serve(PROFILES.lp16.reference!);
 * const report = await runCases(selectCases(ALL_CASES, ["tcp.basic"], []), {
 *   targets: served.targets,
 *   profile: PROFILES.lp16,
 *   seed: 7,
 * });
 * console.log(report.summary.fail); // 0
 * console.log(WRITERS.junit(report).startsWith("<?xml")); // true
 * ```
 *
 * @module
 */
export * from "../mod.ts";
export { ALL_CASES, SUITE_PROFILES } from "../../suites/mod.ts";
export {
  type Handlers,
  serve,
  type Served,
  type ServeOptions,
} from "../../fixtures/references/serve.ts";
export { REFERENCES } from "../../fixtures/references/mod.ts";
export {
  type Render,
  renderGradescope,
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  type RenderOptions,
  renderTap,
  WRITERS,
} from "../../reports/mod.ts";
export { loadProfile, PROFILES } from "../subject/profiles.ts";
export { type ConformanceTest, type ConformanceTestOptions, conformanceTests } from "./testing.ts";
