/**
 * The program under test in words, for every writer: what ran, its build, how often it started,
 * how it died and which case it is pinned on, and the end of its output. One home for these lines,
 * so the console, Markdown, JUnit, TAP and Gradescope say the same thing.
 *
 * @module
 */
import type { ProgramDeath, ProgramReport, ProgramStart } from "../harness/mod.ts";

/** How many lines of each output stream the text reports keep per start. */
const OUTPUT_LINES = 40;

/**
 * The summary lines of a run's program: the command, starts and restarts, the build, each death.
 *
 * @example
 * ```ts
 * import { programLines } from "./program.ts";
 * const lines = programLines({
 *   command: "./server {port}",
 *   limits: { files: 1024, processes: 256, memory: 1073741824, cpu: 60 },
 *   starts: [],
 *   restarts: 0,
 *   deaths: [],
 * });
 * console.log(lines[0]); // "program: ./server {port} · 0 starts"
 * ```
 */
export function programLines(p: ProgramReport): string[] {
  const starts = `${p.starts.length} start${p.starts.length === 1 ? "" : "s"}` +
    (p.restarts > 0 ? ` (${p.restarts} restart${p.restarts === 1 ? "" : "s"})` : "");
  const lines = [
    `program: ${p.command}${p.cwd !== undefined ? ` (in ${p.cwd})` : ""} · ${starts}`,
  ];
  if (p.build) {
    lines.push(
      `build: ${p.build.command} · ${p.build.ok ? "ok" : "FAILED"}: ${p.build.description} ` +
        `(${(p.build.durationMs / 1000).toFixed(1)} s)`,
    );
  }
  const failed = p.starts.filter((s) => s.failed !== undefined);
  for (const s of failed) lines.push(`start failed (${s.why}): ${s.failed}`);
  for (const d of p.deaths) lines.push(deathLine(d));
  return lines;
}

/**
 * One line for one death: how, when, and the case it is pinned on.
 *
 * @example
 * ```ts
 * import { deathLine } from "./program.ts";
 * deathLine({
 *   at: "2026-01-01T00:00:00.000Z",
 *   atMs: 1200,
 *   description: "killed by SIGSEGV (signal 11)",
 *   code: null,
 *   signal: "SIGSEGV",
 *   inFlight: ["tcp.framing.large"],
 *   cause: "tcp.framing.large",
 *   confirmed: false,
 *   attribution: "tcp.framing.large was the only case running when it died",
 *   stderrTail: [],
 * }); // "died: killed by SIGSEGV (signal 11), 1.2 s into the run, during tcp.framing.large: …"
 * ```
 */
export function deathLine(d: ProgramDeath): string {
  const when = `${(d.atMs / 1000).toFixed(1)} s into the run`;
  const during = d.cause !== undefined
    ? `, during ${d.cause}${d.confirmed ? " (confirmed)" : ""}`
    : "";
  return `died: ${d.description}, ${when}${during}: ${d.attribution}`;
}

/**
 * The output the program left, start by start: stdout and stderr, the last lines of each.
 *
 * @example
 * ```ts
 * import { programOutput } from "./program.ts";
 * programOutput({
 *   command: "./server {port}",
 *   limits: { files: 1024, processes: 256, memory: null, cpu: 60 },
 *   starts: [{
 *     at: "2026-01-01T00:00:00.000Z",
 *     why: "first",
 *     argv: ["./server", "4000"],
 *     ports: { tcp: 4000 },
 *     stdout: "",
 *     stderr: "listening\n",
 *   }],
 *   restarts: 0,
 *   deaths: [],
 * }); // ["== start 1 (first): ./server 4000", "stderr:", "  listening"]
 * ```
 */
export function programOutput(p: ProgramReport): string[] {
  const out: string[] = [];
  if (p.build && p.build.output !== "") {
    out.push(`== build: ${p.build.command}`, ...tail(p.build.output).map((l) => `  ${l}`));
  }
  p.starts.forEach((s, i) => {
    out.push(`== start ${i + 1} (${s.why}): ${s.argv.join(" ")}${ended(s)}`);
    for (const stream of ["stdout", "stderr"] as const) {
      if (s[stream] === "") continue;
      const dropped = s.dropped?.[stream] ?? 0;
      out.push(`${stream}:${dropped > 0 ? ` (${dropped} earlier bytes not kept)` : ""}`);
      out.push(...tail(s[stream]).map((l) => `  ${l}`));
    }
  });
  return out;
}

/**
 * The program's summary lines, a blank line, then its output: its whole story as one text (JUnit's
 * `system-err`, the Gradescope output, a student's `program.log`).
 *
 * @example
 * ```ts
 * import { programText } from "./program.ts";
 * programText({
 *   command: "./server {port}",
 *   limits: { files: 1024, processes: 256, memory: null, cpu: 60 },
 *   starts: [],
 *   restarts: 0,
 *   deaths: [],
 * }).startsWith("program: ./server {port}"); // true
 * ```
 */
export function programText(p: ProgramReport): string {
  return [...programLines(p), "", ...programOutput(p)].join("\n");
}

function ended(s: ProgramStart): string {
  if (s.failed !== undefined) return ` — did not start: ${s.failed}`;
  if (!s.ended) return "";
  return s.ended.planned ? "" : ` — ${s.ended.description}`;
}

function tail(text: string): string[] {
  const lines = text.replace(/\n$/, "").split("\n");
  return lines.length > OUTPUT_LINES
    ? [`… ${lines.length - OUTPUT_LINES} earlier lines`, ...lines.slice(-OUTPUT_LINES)]
    : lines;
}
