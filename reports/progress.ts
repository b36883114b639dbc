/**
 * Progress as a run goes: a line per case, or one live line on a terminal; and a batch's progress.
 *
 * @module
 */
import { type Case, type CaseResult, groupOf, isProblem } from "../harness/mod.ts";
import { caseLine } from "./console.ts";
import type { GradebookRow } from "./gradebook.ts";

/**
 * A live status line for a terminal: lines printed through it go above, the status line is
 * redrawn below them in place.
 *
 * @example
 * ```ts
 * import { ProgressLine } from "./progress.ts";
 * const enc = new TextEncoder();
 * const p = new ProgressLine((s) => Deno.stderr.writeSync(enc.encode(s)));
 * p.update("[ 1/40] tcp.basic · 0.1 s");
 * p.print("FAIL   tcp.basic.single-request  One request gets its reply");
 * p.clear();
 * ```
 */
export class ProgressLine {
  #write: (text: string) => void;
  #columns: () => number;
  #status = "";

  /**
   * @param write Writes raw text to the terminal.
   * @param columns The terminal's width (default 80).
   */
  constructor(write: (text: string) => void, columns: () => number = () => 80) {
    this.#write = write;
    this.#columns = columns;
  }

  /**
   * A progress line drawn on a terminal stream (stdout or stderr), as wide as the terminal.
   *
   * @example
   * ```ts
   * import { ProgressLine } from "./progress.ts";
   * const p = ProgressLine.on(Deno.stderr);
   * ```
   */
  static on(stream: { writeSync(p: Uint8Array): number }): ProgressLine {
    const enc = new TextEncoder();
    return new ProgressLine((text) => stream.writeSync(enc.encode(text)), () => {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return 80;
      }
    });
  }

  /** Replaces the status line (plain text, cut to the terminal's width). */
  update(status: string): void {
    // A terminal that reports no sensible width (0 under some pseudo-terminals) gets 80.
    const columns = this.#columns();
    const width = (columns >= 20 ? columns : 80) - 1;
    this.#status = status.length > width ? status.slice(0, width - 1) + "…" : status;
    this.#write(`\r\x1b[2K${this.#status}`);
  }

  /** Prints a line above the status line. */
  print(line: string): void {
    this.#write(`\r\x1b[2K${line}\n${this.#status}`);
  }

  /** Clears the status line, leaving the cursor at the start of an empty line. */
  clear(): void {
    this.#write("\r\x1b[2K");
    this.#status = "";
  }
}

/**
 * The status text of a run: cases done of total, the group running, elapsed time, problems so far.
 *
 * @example
 * ```ts
 * import { progressText } from "./progress.ts";
 * progressText(12, 40, "tcp.framing", 3200, 1); // "[12/40] tcp.framing · 3.2 s · 1 failing"
 * ```
 */
export function progressText(
  done: number,
  total: number,
  group: string,
  elapsedMs: number,
  failing = 0,
): string {
  const count = `[${String(done).padStart(String(total).length)}/${total}]`;
  const parts = [`${count} ${group || "starting"}`, `${(elapsedMs / 1000).toFixed(1)} s`];
  if (failing > 0) parts.push(`${failing} failing`);
  return parts.join(" · ");
}

/** Where a run's or a batch's progress goes: a live line, or plain lines. */
type Say = (line: string) => void;

/**
 * What the console shows while a run goes: on a terminal, a live line (cases done / total, the
 * group running, elapsed time) with every case that did not simply pass or skip printed above it;
 * otherwise one plain line per case. {@linkcode RunProgress.stop} ends it.
 *
 * @example
 * ```ts
 * import type { Case, CaseResult } from "../harness/mod.ts";
 * import { RunProgress } from "./progress.ts";
 * const c = { id: "tcp.basic.connect", title: "The server accepts a connection" } as Case;
 * const passed: CaseResult = {
 *   id: c.id,
 *   title: c.title,
 *   requirement: "A server accepts connections",
 *   outcome: "pass",
 *   message: "",
 *   durationMs: 3,
 *   transcript: [],
 *   reproduce: "",
 * };
 * const shown = new RunProgress(1, undefined, (line) => console.log(line));
 * shown.start(c);
 * shown.result(passed, 1); // PASS   tcp.basic.connect  The server accepts a connection
 * shown.stop();
 * ```
 */
export class RunProgress {
  #total: number;
  #progress?: ProgressLine;
  #say: Say;
  #started = performance.now();
  #group = "";
  #done = 0;
  #failing = 0;
  #timer?: ReturnType<typeof setInterval>;

  /**
   * @param total How many cases the run has.
   * @param progress The live line, or undefined for one plain line per case.
   * @param say Prints a plain line.
   */
  constructor(total: number, progress: ProgressLine | undefined, say: Say) {
    this.#total = total;
    this.#progress = progress;
    this.#say = say;
    if (progress) {
      this.#timer = setInterval(() => this.#draw(), 250);
      this.#draw();
    }
  }

  /** A case started: its group shows in the live line. */
  start(c: Case): void {
    this.#group = groupOf(c.id);
    this.#draw();
  }

  /** A case ended, the `done`th of the run. */
  result(r: CaseResult, done: number): void {
    this.#done = done;
    if (isProblem(r)) this.#failing++;
    if (!this.#progress) return this.#say(caseLine(r));
    if (r.outcome !== "pass" && r.outcome !== "skip") this.#progress.print(caseLine(r));
    this.#draw();
  }

  /** Stops redrawing and clears the live line. */
  stop(): void {
    clearInterval(this.#timer);
    this.#progress?.clear();
  }

  #draw(): void {
    this.#progress?.update(
      progressText(
        this.#done,
        this.#total,
        this.#group,
        performance.now() - this.#started,
        this.#failing,
      ),
    );
  }
}

/**
 * A grading batch's progress: on a terminal a live line (students graded / total, who is running
 * and how far, elapsed), otherwise one plain line per student graded.
 * {@linkcode BatchProgress.stop} ends it.
 *
 * @example
 * ```ts
 * import { BatchProgress } from "./progress.ts";
 * const batch = new BatchProgress(1, undefined, (line) => console.log(line));
 * batch.start("ada", 40);
 * batch.step("ada", 20);
 * batch.finish("ada", {
 *   student: "ada",
 *   line: 2,
 *   total: 9,
 *   max: 10,
 *   groups: {},
 *   groupMax: {},
 *   status: "ok",
 *   report: "ada/report.html",
 * }); // [1/1] ada: 9/10  ada/report.html
 * batch.stop();
 * ```
 */
export class BatchProgress {
  #total: number;
  #progress?: ProgressLine;
  #say: Say;
  #running = new Map<string, { done: number; of: number }>();
  #finished = 0;
  #started = performance.now();
  #timer?: ReturnType<typeof setInterval>;

  /**
   * @param total How many students the batch grades.
   * @param progress The live line, or undefined for one plain line per student.
   * @param say Prints a plain line.
   */
  constructor(total: number, progress: ProgressLine | undefined, say: Say) {
    this.#total = total;
    this.#progress = progress;
    this.#say = say;
    if (progress) this.#timer = setInterval(() => this.#draw(), 250);
  }

  /** A student's grading started: `of` cases to run. */
  start(student: string, of: number): void {
    this.#running.set(student, { done: 0, of });
    this.#draw();
  }

  /** A student's run finished its `done`th case. */
  step(student: string, done: number): void {
    const r = this.#running.get(student);
    if (r) r.done = done;
  }

  /** A student is graded: prints their score (or why there is none) and their report. */
  finish(student: string, row: GradebookRow): void {
    this.#running.delete(student);
    this.#finished++;
    const score = row.total === undefined ? "not graded" : `${row.total}/${row.max}`;
    const line = `[${this.#finished}/${this.#total}] ${student}: ${score}${
      row.status === "ok" ? "" : ` (${row.status})`
    }${row.report ? `  ${row.report}` : ""}`;
    if (this.#progress) this.#progress.print(line);
    else this.#say(line);
    this.#draw();
  }

  /** Stops redrawing and clears the live line. */
  stop(): void {
    clearInterval(this.#timer);
    this.#progress?.clear();
  }

  #draw(): void {
    if (!this.#progress) return;
    const running = [...this.#running].map(([s, r]) => `${s} ${r.done}/${r.of}`).join(", ");
    this.#progress.update(
      `[${this.#finished}/${this.#total} graded] ${running ? `running ${running}` : ""} · ${
        ((performance.now() - this.#started) / 1000).toFixed(1)
      } s`,
    );
  }
}
