/**
 * The console report: one line per case, the detail of each problem, and the closing lines.
 *
 * @module
 */
import { bold, cyan, dim, green, red, yellow } from "@std/fmt/colors";
import {
  type CaseResult,
  hexdump,
  type Outcome,
  type RunReport,
  type Summary,
} from "../harness/mod.ts";
import { subjectLine, subjectSection } from "./section.ts";

/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts a sequence that can
 * clear the screen, retitle the window or hide text), DEL, C1 controls (0x9b is a one-byte CSI),
 * and the bidirectional overrides that reorder what a line seems to say.
 */
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `line` with every character a terminal would act on shown as an escape (`\x1b`, `\u202e`), so
 * what a target sent can be read on the console and can never drive it. Every line the console
 * report writes goes through this.
 *
 * @example
 * ```ts
 * import { terminalSafe } from "./console.ts";
 * terminalSafe("got \x1b[2J\x07"); // "got \\x1b[2J\\x07"
 * ```
 */
export function terminalSafe(line: string): string {
  return line.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

const LABEL: Record<Outcome, string> = {
  pass: "PASS ",
  fail: "FAIL ",
  error: "ERROR",
  skip: "SKIP ",
  warn: "WARN ",
  info: "INFO ",
  flaky: "FLAKY",
};

const PAINT: Record<Outcome, (s: string) => string> = {
  pass: green,
  fail: red,
  error: red,
  skip: dim,
  warn: yellow,
  info: cyan,
  flaky: yellow,
};

/**
 * One line for one case: outcome, id, title (and the reason for a skip).
 *
 * @example
 * ```ts
 * import { caseLine } from "./console.ts";
 * const result = {
 *   id: "tcp.basic.connect",
 *   title: "The server accepts a connection",
 *   requirement: "",
 *   outcome: "pass" as const,
 *   message: "",
 *   durationMs: 3,
 *   transcript: [],
 *   reproduce: "",
 * };
 * console.log(caseLine(result)); // "PASS   tcp.basic.connect  The server accepts a connection"
 * ```
 */
export function caseLine(r: CaseResult): string {
  const tail = r.outcome === "skip" || r.outcome === "info" || r.outcome === "warn"
    ? dim(` (${terminalSafe(r.message)})`)
    : "";
  return `${PAINT[r.outcome](LABEL[r.outcome])}  ${terminalSafe(`${r.id}  ${r.title}`)}${tail}`;
}

/**
 * The evidence for a fail or error: requirement, what was observed, expected vs actual, a hex +
 * printable dump of the bytes, and the command that reruns the case.
 */
export function caseDetail(r: CaseResult): string[] {
  const out = [
    bold(`${LABEL[r.outcome].trim()} ${terminalSafe(r.id)}`),
    `  requirement: ${r.requirement}`,
    `  observed:    ${r.message}`,
  ];
  if (r.expected !== undefined) out.push(`  expected:    ${r.expected}`);
  if (r.actual !== undefined) out.push(`  actual:      ${r.actual}`);
  if (r.actualHex) {
    out.push("  bytes that came back:");
    out.push(...hexdump(r.actualHex, 8).map((l) => `    ${l}`));
  }
  if (r.expectedHex && r.actualHex !== undefined) {
    out.push("  bytes expected:");
    out.push(...hexdump(r.expectedHex, 8).map((l) => `    ${l}`));
  }
  if (r.reproduce) out.push(`  reproduce:   ${r.reproduce}`);
  return out.map((line, i) => i === 0 ? line : terminalSafe(line));
}

/** The closing line: `N passed, N failed, N errors, N skipped`. */
export function summaryLine(s: Summary): string {
  return `${s.pass} passed, ${s.fail} failed, ${s.error} errors, ${s.skip} skipped`;
}

/** The lines that close a run: extra counts, then the summary line last. */
export function closingLines(report: RunReport): string[] {
  const s = report.summary;
  const extra = [
    s.warn ? `${s.warn} warned` : "",
    s.info ? `${s.info} info` : "",
    s.flaky ? `${s.flaky} flaky` : "",
  ].filter(Boolean);
  const head = `${subjectLine(report)} · profile ${report.profile} · seed ${report.seed} · ${
    (report.durationMs / 1000).toFixed(1)
  } s`;
  const section = subjectSection(report)?.lines.map(terminalSafe) ?? [];
  return [
    ...section,
    dim(terminalSafe(head + (extra.length ? ` · ${extra.join(", ")}` : ""))),
    summaryLine(s),
  ];
}
