/**
 * The JUnit XML report: one test suite per case group.
 *
 * @module
 */
import { escape } from "@std/html";
import { type CaseResult, hexdump, type RunReport } from "../harness/mod.ts";
import { subjectSection } from "./section.ts";
import { byGroup } from "./group.ts";
import { transcriptLines } from "./_transcript.ts";

/**
 * Renders the JUnit XML report, valid against the strict Ant JUnit schema (`junit.xsd`): one
 * `<testsuite>` per group (a case id without its last part), one `<testcase>` per case with
 * `name` = case id and `classname` = group, `<failure>` for fail and flaky, `<error>` for error,
 * `<skipped>` for skip; seed, tool, profile and targets as properties; every case's transcript in
 * the suite's `<system-out>`.
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { renderJunit } from "./junit.ts";
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
 * const xml = renderJunit(report);
 * console.log(xml.includes('<testcase name="demo.pass"')); // true
 * ```
 */
export function renderJunit(report: RunReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"];
  // The schema wants a timestamp without a zone; startedAt is UTC.
  const timestamp = report.startedAt.slice(0, 19);
  const properties = [
    ["tool", `${report.tool.name} ${report.tool.version}`],
    ["seed", String(report.seed)],
    ["profile", report.profile],
    ["strict", String(report.strict)],
    ...report.targets.map((t) => [`target.${t.transport}`, t.url]),
  ];
  let id = 0;
  // The subject's summary and output go to the first suite's system-err, once.
  let program = subjectSection(report)?.text ?? "";
  for (const [group, cases] of byGroup(report.cases)) {
    const count = (...o: CaseResult["outcome"][]) =>
      cases.filter((c) => o.includes(c.outcome)).length;
    const time = cases.reduce((s, c) => s + c.durationMs, 0);
    out.push(
      `  <testsuite ${
        attrs({
          name: group,
          package: group,
          id: String(id++),
          timestamp,
          hostname: "localhost",
          tests: String(cases.length),
          failures: String(count("fail", "flaky")),
          errors: String(count("error")),
          skipped: String(count("skip")),
          time: seconds(time),
        })
      }>`,
      "    <properties>",
      ...properties.map(([name, value]) => `      <property ${attrs({ name, value })}/>`),
      "    </properties>",
    );
    for (const c of cases) out.push(...testcase(c, group));
    const log = cases.flatMap((c) => [
      `== ${c.id} (${c.outcome}${c.message ? `: ${c.message}` : ""})`,
      ...transcriptLines(c.transcript),
      "",
    ]);
    out.push(
      `    <system-out>${text(log.join("\n"))}</system-out>`,
      program ? `    <system-err>${text(program)}</system-err>` : "    <system-err/>",
    );
    program = "";
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

/** One case as a `<testcase>` element, with its failure, error or skip; `classname` is `group`. */
export function testcase(c: CaseResult, group: string): string[] {
  const head = `    <testcase ${
    attrs({ name: c.id, classname: group, time: seconds(c.durationMs) })
  }`;
  const element = c.outcome === "fail" || c.outcome === "flaky"
    ? "failure"
    : c.outcome === "error"
    ? "error"
    : c.outcome === "skip"
    ? "skipped"
    : null;
  if (!element) return [`${head}/>`];
  const attributes = element === "skipped"
    ? attrs({ message: c.message })
    : attrs({ message: c.message, type: c.outcome });
  return [
    `${head}>`,
    `      <${element} ${attributes}>${
      text(element === "skipped" ? "" : evidence(c))
    }</${element}>`,
    "    </testcase>",
  ];
}

/** The evidence for a failure or error, as plain text. */
function evidence(c: CaseResult): string {
  const lines = [`${c.title}`, `requirement: ${c.requirement}`, `observed:    ${c.message}`];
  if (c.repeats) lines.push(`repeats:     ${c.repeats.join(", ")}`);
  if (c.expected !== undefined) lines.push(`expected:    ${c.expected}`);
  if (c.actual !== undefined) lines.push(`actual:      ${c.actual}`);
  if (c.expectedHex) {
    lines.push(
      "bytes expected:",
      ...hexdump(c.expectedHex, 8).map((l) => "  " + l),
    );
  }
  if (c.actualHex) {
    lines.push(
      "bytes that came back:",
      ...hexdump(c.actualHex, 8).map((l) => "  " + l),
    );
  }
  if (c.reproduce) lines.push(`reproduce:   ${c.reproduce}`);
  return lines.join("\n");
}

/** Milliseconds as JUnit's seconds, `1.234`. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Characters XML 1.0 does not allow at all, even as references; lone surrogates. */
const NOT_XML =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text content: escaped, with characters XML cannot carry replaced by U+FFFD. */
export function text(s: string): string {
  return escape(s.replace(NOT_XML, "\ufffd"));
}

/** Attributes, escaped; line breaks kept as references so parsers do not fold them to spaces. */
export function attrs(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) =>
      `${k}="${text(v).replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;")}"`
    )
    .join(" ");
}
