/**
 * Where the commands' reports go: report files (checked before a run, written through the one
 * table of writers, `WRITERS`), the Gradescope report kept up to date while a run goes, GitHub's
 * step summary, and grade's output directory with one folder per student.
 *
 * @module
 */
import {
  renderMarkdown,
  type RenderOptions,
  STEP_SUMMARY_LIMIT,
  WRITERS,
} from "../../reports/mod.ts";
import {
  type Case,
  type CaseResult,
  errorText,
  PartialRun,
  type RunMeta,
  type RunReport,
  UsageError,
  writeFileAtomicSync,
} from "../mod.ts";
import { CONSOLE_IO, type Io } from "./args.ts";
import { needs } from "./permissions.ts";

/** One report to write: a format of `WRITERS` and where (`-` is stdout). */
export interface ReportSpec {
  format: string;
  path: string;
}

/** The reports a student's folder holds, by `WRITERS` format: the file each goes to. */
export const STUDENT_FILES = {
  json: "report.json",
  html: "report.html",
  gradescope: "results.json",
} as const;

/** The formats written again as each case ends, so a run that dies leaves them behind. */
const LIVE_FORMATS: ReadonlySet<string> = new Set(["gradescope"]);

/**
 * Joins a directory and a name.
 *
 * @example
 * ```ts
 * import { join } from "./output.ts";
 * join("grades/", "gradebook.csv"); // "grades/gradebook.csv"
 * ```
 */
export function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/**
 * The reports of one student's folder, as specs for {@linkcode writeReports}.
 *
 * @example
 * ```ts
 * import { studentReports } from "./output.ts";
 * studentReports("grades/ada"); // [{ format: "json", path: "grades/ada/report.json" }, …]
 * ```
 */
export function studentReports(dir: string): ReportSpec[] {
  return Object.entries(STUDENT_FILES).map(([format, file]) => ({ format, path: join(dir, file) }));
}

/**
 * Makes sure a report path can be written before the run starts.
 *
 * @throws {PermissionNeeded} without `--allow-write` for it.
 * @throws {UsageError} when it cannot be written.
 * @example
 * ```ts
 * import { checkWritable } from "./output.ts";
 * await checkWritable("-"); // stdout: nothing to check
 * ```
 */
export async function checkWritable(path: string): Promise<void> {
  if (path === "-") return;
  await needs("--report", async () => {
    try {
      const f = await Deno.open(path, { write: true, create: true, truncate: true });
      f.close();
    } catch (e) {
      throw new UsageError(`Cannot write report "${path}": ${errorText(e)}`, { cause: e });
    }
  });
}

/** How {@linkcode writeReports} writes. */
export interface WriteOptions {
  /** Where a report to `-` goes (default: the console). */
  io?: Io;
  /** What the writers may need besides the report: the rubric, the graded cases. */
  render?: RenderOptions;
  /** Write each file through a temporary file beside it and a rename, so no reader sees half. */
  atomic?: boolean;
}

/**
 * Writes every requested report, each rendered by its writer in `WRITERS`; `-` goes to `io.out`.
 *
 * @example
 * ```ts
 * import { PartialRun } from "../mod.ts";
 * import { writeReports } from "./output.ts";
 * const report = new PartialRun([], { targets: {}, profile: "echo", seed: 1, strict: false })
 *   .report();
 * await writeReports(report, [{ format: "tap", path: "-" }]); // TAP version 14 …
 * ```
 */
export async function writeReports(
  report: RunReport,
  reports: readonly ReportSpec[],
  options: WriteOptions = {},
): Promise<void> {
  for (const { format, path } of reports) {
    const text = WRITERS[format](report, options.render);
    if (path === "-") (options.io ?? CONSOLE_IO).out(text.replace(/\n$/, ""));
    else if (options.atomic) writeFileAtomicSync(path, text);
    else await Deno.writeTextFile(path, text);
  }
}

/**
 * How often, at most, the live reports are rewritten: once per case end re-rendered and rewrote
 * the whole report dozens of times a run, for every student of a batch.
 */
export const LIVE_EVERY_MS = 1000;

/**
 * The reports of a run that are kept up to date while it goes (Gradescope's), so a file is left
 * behind even when the run dies part-way; cases not finished yet are errors in it. A case that
 * ends is in the file within {@linkcode LIVE_EVERY_MS}. The first failure to write is reported
 * through `warn`, and the live writing stops there. {@linkcode LiveReports.stop} (or leaving a
 * `using` block) ends the rewriting, before the run's final reports are written.
 *
 * @example
 * ```ts
 * import { LiveReports } from "./output.ts";
 * using live = new LiveReports([], { targets: {}, profile: "echo", seed: 1, strict: false }, {
 *   reports: [{ format: "json", path: "-" }], // not a live format: nothing is rewritten
 *   warn: console.error,
 * });
 * live.write();
 * live.report().summary.error; // 0
 * ```
 */
export class LiveReports implements Disposable {
  #partial: PartialRun;
  #paths: string[];
  #render: RenderOptions;
  #warn: (line: string) => void;
  #broken = false;
  #stopped = false;
  #written = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param cases Every case of the run, in order.
   * @param meta What the partial report says about the run.
   * @param options `reports`: the run's reports (only files of a live format are rewritten);
   *   `render`: the writers' options, read at every write (a field set later counts from then on);
   *   `warn`: prints the one line about a write that failed.
   */
  constructor(
    cases: readonly Case[],
    meta: RunMeta,
    options: {
      reports: readonly ReportSpec[];
      render?: RenderOptions;
      warn: (line: string) => void;
    },
  ) {
    this.#partial = new PartialRun(cases, meta);
    this.#paths = options.reports.filter((r) => LIVE_FORMATS.has(r.format) && r.path !== "-")
      .map((r) => r.path);
    this.#render = options.render ?? {};
    this.#warn = options.warn;
  }

  /** Takes one finished case; the files show it now, or within {@linkcode LIVE_EVERY_MS}. */
  add(r: CaseResult): void {
    this.#partial.add(r);
    if (this.#paths.length === 0 || this.#stopped || this.#timer !== undefined) return;
    const wait = this.#written + LIVE_EVERY_MS - performance.now();
    if (wait <= 0) return this.write();
    this.#timer = setTimeout(() => this.write(), wait);
  }

  /** The report so far: unfinished cases are errors. */
  report(): RunReport {
    return this.#partial.report();
  }

  /** Rewrites the files with the report so far, now. */
  write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#paths.length === 0 || this.#broken || this.#stopped) return;
    this.#written = performance.now();
    const text = WRITERS.gradescope(this.#partial.report(), this.#render);
    for (const path of this.#paths) {
      try {
        writeFileAtomicSync(path, text);
      } catch (e) {
        this.#broken = true;
        this.#warn(`sockspec: Cannot update report "${path}" during the run: ${errorText(e)}`);
      }
    }
  }

  /** Ends the rewriting: a rewrite still due is dropped (the run's final reports follow). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Same as {@linkcode LiveReports.stop}. */
  [Symbol.dispose](): void {
    this.stop();
  }
}

/**
 * Runs `run` with the live reports kept up to date as its cases end (see
 * {@linkcode LiveReports}), and stops them before it returns, so the caller's final reports come
 * last. `run` gets the function to call with each finished case. When `run` throws, the report of
 * what finished (the rest are errors) comes back with the error as `stopped`.
 *
 * @example
 * ```ts
 * import { PartialRun } from "../mod.ts";
 * import { runWithLiveReports } from "./output.ts";
 * const meta = { targets: {}, profile: "echo", seed: 1, strict: false };
 * const { stopped } = await runWithLiveReports([], meta, { reports: [], warn: console.error }, () =>
 *   Promise.resolve(new PartialRun([], meta).report()));
 * console.log(stopped); // undefined
 * ```
 */
export async function runWithLiveReports(
  cases: readonly Case[],
  meta: RunMeta,
  options: ConstructorParameters<typeof LiveReports>[2],
  run: (onResult: (r: CaseResult) => void) => Promise<RunReport>,
): Promise<{ report: RunReport; stopped?: unknown }> {
  using live = new LiveReports(cases, meta, options);
  live.write();
  try {
    return { report: await run((r) => live.add(r)) };
  } catch (e) {
    return { report: live.report(), stopped: e };
  }
}

/**
 * Appends the Markdown summary to GitHub's step summary file, keeping the file under GitHub's
 * 1 MiB limit. A failure to append is reported, never fatal.
 *
 * @example
 * ```ts
 * import { PartialRun } from "../mod.ts";
 * import { appendStepSummary } from "./output.ts";
 * const report = new PartialRun([], { targets: {}, profile: "echo", seed: 1, strict: false })
 *   .report();
 * const errors: string[] = [];
 * await appendStepSummary("/no/such/dir/summary.md", report, {
 *   out: console.log,
 *   err: (line) => errors.push(line),
 * });
 * errors.length; // 1: 'sockspec: Cannot append to GITHUB_STEP_SUMMARY "/no/such/dir/summary.md": …'
 * ```
 */
export async function appendStepSummary(path: string, report: RunReport, io: Io): Promise<void> {
  try {
    const used = await Deno.stat(path).then((s) => s.size, () => 0);
    const room = STEP_SUMMARY_LIMIT - used - 1024;
    if (room < 4096) {
      io.err(`sockspec: GITHUB_STEP_SUMMARY "${path}" is nearly full; summary not added`);
      return;
    }
    await Deno.writeTextFile(path, renderMarkdown(report, room) + "\n", { append: true });
  } catch (e) {
    io.err(`sockspec: Cannot append to GITHUB_STEP_SUMMARY "${path}": ${errorText(e)}`);
  }
}

/**
 * Creates grade's output directory and makes sure it can be written, before any grading.
 *
 * @throws {PermissionNeeded} without `--allow-write` for it.
 * @throws {UsageError} when it cannot be created or written.
 * @example
 * ```ts
 * import { prepareOut } from "./output.ts";
 * try {
 *   await prepareOut("/proc/sockspec-grades"); // no directory can be made there
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot write to output directory "/proc/sockspec-grades": …
 * }
 * ```
 */
export async function prepareOut(out: string): Promise<void> {
  await needs("--out", async () => {
    try {
      await Deno.mkdir(out, { recursive: true });
      const probe = join(out, `.sockspec-${Deno.pid}.tmp`);
      await Deno.writeTextFile(probe, "");
      await Deno.remove(probe);
    } catch (e) {
      throw new UsageError(`Cannot write to output directory "${out}": ${errorText(e)}`, {
        cause: e,
      });
    }
  });
}
