/**
 * GitHub Actions annotations (`::error`) for the cases that failed.
 *
 * @module
 */
import { type CaseResult, isProblem, type RunReport } from "../harness/mod.ts";

/**
 * Escapes the message of a GitHub Actions workflow command: `%`, CR and LF.
 *
 * @example
 * ```ts
 * import { escapeData } from "./github.ts";
 * escapeData("50%\nnext"); // "50%25%0Anext"
 * ```
 */
export function escapeData(s: string): string {
  return s.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/**
 * Escapes a property of a GitHub Actions workflow command (`title=…`): as
 * {@linkcode escapeData}, and `:` and `,` too.
 *
 * @example
 * ```ts
 * import { escapeProperty } from "./github.ts";
 * escapeProperty("a:b,c"); // "a%3Ab%2Cc"
 * ```
 */
export function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** One `::error` annotation for a fail, error or flaky case. */
export function annotation(c: CaseResult): string {
  const lines = [`${c.outcome}: ${c.message || c.title}`];
  if (c.expected !== undefined) lines.push(`expected: ${c.expected}`);
  if (c.actual !== undefined) lines.push(`actual: ${c.actual}`);
  if (c.reproduce) lines.push(`reproduce: ${c.reproduce}`);
  return `::error title=${escapeProperty(c.id)}::${escapeData(lines.join("\n"))}`;
}

/**
 * The GitHub Actions annotations of a run: one `::error title=ID::message` line per fail, error
 * and flaky case, escaped per GitHub's workflow command rules.
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { githubAnnotations } from "./github.ts";
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
 * for (const line of githubAnnotations(report)) console.log(line); // none: the case passed
 * ```
 */
export function githubAnnotations(report: RunReport): string[] {
  return report.cases.filter(isProblem).map(annotation);
}
