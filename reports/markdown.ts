/**
 * The Markdown report (also the GitHub step summary), kept under a size limit.
 *
 * @module
 */
import { escape } from "@std/html";
import { isProblem, OUTCOMES, problemCount, type RunReport } from "../harness/mod.ts";
import { subjectSection } from "./section.ts";
import { transcriptLines } from "./_transcript.ts";

/** GitHub's limit for one step's summary. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/**
 * Renders a Markdown summary: a line naming the run, a table of outcome counts, a table of every
 * case, then each fail, error and flaky case with what was expected, what came back, and the
 * command that reruns it. Text from a target is escaped (in tables) or fenced (in code blocks), so
 * it cannot add markup. When the text would pass `limit` bytes, the failures that do not fit are
 * listed by id only.
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { renderMarkdown } from "./markdown.ts";
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
 * console.log(renderMarkdown(report).split("\n")[0]); // "## sockspec …: passed"
 * ```
 */
export function renderMarkdown(report: RunReport, limit = STEP_SUMMARY_LIMIT - 4096): string {
  const s = report.summary;
  const section = subjectSection(report);
  const head = [
    `## ${report.tool.name} ${report.tool.version}: ${problemCount(s) === 0 ? "passed" : "failed"}`,
    "",
    `${cell(report.targets.map((t) => t.url).join(", "))} · profile \`${
      code(report.profile)
    }\` · seed ${report.seed} · ${(report.durationMs / 1000).toFixed(1)} s${
      report.strict ? " · strict" : ""
    }`,
    "",
    `| ${OUTCOMES.join(" | ")} |`,
    `|${OUTCOMES.map(() => "---:").join("|")}|`,
    `| ${OUTCOMES.map((o) => s[o]).join(" | ")} |`,
    "",
    "| Case | Outcome | Title |",
    "|---|---|---|",
    ...report.cases.map((c) =>
      `| \`${code(c.id)}\` | ${c.outcome === "pass" ? "pass" : `**${c.outcome}**`} | ${
        cell(c.title)
      } |`
    ),
    "",
    ...(section
      ? [`### ${section.title}`, "", ...section.lines.map((l) => `- ${cell(l)}`), ""]
      : []),
  ];
  const bad = report.cases.filter(isProblem);
  const out = [...head];
  let size = bytes(out.join("\n"));
  if (bad.length > 0) out.push("### Failures", "");
  for (let i = 0; i < bad.length; i++) {
    const c = bad[i];
    const block = [
      `#### \`${code(c.id)}\`: ${c.outcome}`,
      "",
      `${cell(c.message)}`,
      "",
      `- Requirement: ${cell(c.requirement)}`,
      ...(c.repeats ? [`- Outcomes of the repeats: ${c.repeats.join(", ")}`] : []),
      "",
      ...(c.expected !== undefined ? ["Expected:", "", ...fence(c.expected), ""] : []),
      ...(c.actual !== undefined ? ["Actual:", "", ...fence(c.actual), ""] : []),
      ...(c.transcript.length > 0 ? ["Transcript:", "", ...fence(transcriptHead(c)), ""] : []),
      ...(c.reproduce ? ["Reproduce:", "", ...fence(c.reproduce, "sh"), ""] : []),
    ];
    const blockSize = bytes(block.join("\n"));
    if (size + blockSize > limit) {
      out.push(
        `${bad.length - i} more failures left out to stay under the size limit: ${
          bad.slice(i).map((b) => `\`${code(b.id)}\``).join(", ")
        }`.slice(0, Math.max(0, limit - size - 200)),
        "",
      );
      break;
    }
    out.push(...block);
    size += blockSize;
  }
  return out.join("\n");
}

/** The first events of a case's transcript, as text; the other reports have all of them. */
function transcriptHead(c: RunReport["cases"][number]): string {
  const shown = transcriptLines(c.transcript.slice(0, TRANSCRIPT_LINES));
  const more = c.transcript.length - TRANSCRIPT_LINES;
  return [...shown, ...(more > 0 ? [`… ${more} more events (JSON and HTML reports)`] : [])]
    .join("\n");
}

/** How many transcript events a failure shows. */
const TRANSCRIPT_LINES = 30;

function bytes(s: string): number {
  return new TextEncoder().encode(s).length + 1;
}

/** Text for a table cell or a line: HTML escaped, pipes and Markdown markup escaped, one line. */
function cell(s: string): string {
  return escape(s.replace(/[\r\n]+/g, " ").replace(/[\\`*_[\]|#~]/g, (m) => `\\${m}`));
}

/** Text inside a code span: no backticks or line breaks can end it early. */
function code(s: string): string {
  return s.replace(/[`\r\n]/g, "?").replace(/\|/g, "\\|");
}

/** A fenced code block longer than any run of backticks inside it. */
function fence(s: string, lang = "text"): string[] {
  const longest = Math.max(2, ...Array.from(s.matchAll(/`+/g), (m) => m[0].length));
  const bar = "`".repeat(longest + 1);
  return [`${bar}${lang}`, s, bar];
}
