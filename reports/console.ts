import { bold, cyan, dim, green, red, yellow } from "@std/fmt/colors";
import {
  type CaseResult,
  hexdump,
  type Outcome,
  type RunReport,
  type Summary,
} from "../harness/mod.ts";
import { programLines } from "./program.ts";

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
    ? dim(` (${r.message})`)
    : "";
  return `${PAINT[r.outcome](LABEL[r.outcome])}  ${r.id}  ${r.title}${tail}`;
}

/**
 * The evidence for a fail or error: requirement, what was observed, expected vs actual, a hex +
 * printable dump of the bytes, and the command that reruns the case.
 */
export function caseDetail(r: CaseResult): string[] {
  const out = [
    bold(`${LABEL[r.outcome].trim()} ${r.id}`),
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
  return out;
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
  const head = `${
    report.client ? `client ${report.client}` : report.targets.map((t) => t.url).join(" ")
  } · profile ${report.profile} · seed ${report.seed} · ${(report.durationMs / 1000).toFixed(1)} s`;
  const program = report.program ? programLines(report.program) : [];
  return [...program, dim(head + (extra.length ? ` · ${extra.join(", ")}` : "")), summaryLine(s)];
}
