import { parseArgs } from "@std/cli/parse-args";
import { setColorEnabled } from "@std/fmt/colors";
import {
  caseDetail,
  caseLine,
  closingLines,
  githubAnnotations,
  ProgressLine,
  progressText,
  renderGradescope,
  renderMarkdown,
  type RenderOptions,
  STEP_SUMMARY_LIMIT,
  WRITERS,
} from "../../reports/mod.ts";
import { ALL_CASES } from "../../suites/mod.ts";
import { PROFILES } from "./profiles.ts";
import {
  type Case,
  type CaseResult,
  errorText,
  groupOf,
  isProblem,
  type Params,
  parseTargets,
  PartialRun,
  type Profile,
  runCases,
  type RunReport,
  selectCases,
  type Targets,
  UsageError,
  writeFileAtomicSync,
} from "../mod.ts";
import { EXIT, exitOnError, parseParams, wholeNumber } from "./args.ts";
export { EXIT } from "./args.ts";
import { loadProfile } from "./profiles.ts";
import { catchStrays } from "./stray.ts";
import { checkRubricIds, loadRubric } from "../../reports/rubric.ts";

/** Where the CLI prints. Tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** The parsed command line of `conform`. */
export interface ConformArgs {
  targets: Targets;
  targetTexts: string[];
  profileSpec: string;
  only: string[];
  skip: string[];
  seed: number;
  seedGiven: boolean;
  timeoutMs: number;
  caseTimeoutMs: number;
  /** Deadline for the whole run; cases not started by then end `error`. */
  runTimeoutMs?: number;
  concurrency: number;
  strict: boolean;
  list: boolean;
  help: boolean;
  reports: { format: string; path: string }[];
  params: Record<string, number>;
  /** Times each case runs (`--repeat`, default 1); differing outcomes make it flaky. */
  repeat: number;
  /** The rubric file for the gradescope report (`--rubric`), if given. */
  rubric?: string;
}

/** The usage text. */
export const USAGE =
  `Usage: deno task conform --target tcp://HOST:PORT [--target udp://HOST:PORT] --profile NAME [options]

Options:
  --target URL        tcp://HOST:PORT or udp://HOST:PORT (IPv6: tcp://[::1]:7); at most one of each
  --profile NAME      built-in profile (${"${profiles}"}) or a path to a profile module (default echo)
  --only PREFIX       run only cases whose id starts with PREFIX (repeatable)
  --skip PREFIX       leave out cases whose id starts with PREFIX (repeatable)
  --seed N            seed for split plans and payloads (default: random, printed in the report)
  --timeout MS        wait for a connect or for bytes (default 2000)
  --case-timeout MS   deadline for one case (default 30000)
  --run-timeout MS    deadline for the whole run (default none); later cases end as errors
  --concurrency N     cases run at once (default 4; load cases always run alone)
  --param NAME=N      tune a case, e.g. --param clients=1000 (repeatable)
  --strict            count warnings as failures
  --repeat N          run each case N times; a case whose outcomes differ is flaky (a failure)
  --report FMT:PATH   also write a report (${"${formats}"}); PATH - is stdout (repeatable)
  --rubric FILE       points and visibility for the gradescope report (JSON or TOML)
  --list              print every case id and title, and exit
  --help              print this text

On GitHub Actions (GITHUB_ACTIONS=true) each failure is also an ::error annotation, and the
Markdown summary is appended to $GITHUB_STEP_SUMMARY when it is set.

Exit codes: 0 no fail or error, 1 a case failed or was flaky, 2 usage error, 3 errors but no fail`;

function usageText(): string {
  return USAGE.replace("${profiles}", Object.keys(PROFILES).join(", "))
    .replace("${formats}", Object.keys(WRITERS).join(", "));
}

/**
 * Parses `conform`'s arguments.
 *
 * @throws {UsageError} for an unknown option, a malformed target or number, a bad report spec.
 * @example
 * ```ts
 * import { parseConformArgs } from "./conform.ts";
 * const a = parseConformArgs(["--target", "tcp://127.0.0.1:7", "--only", "tcp.basic"]);
 * ```
 */
export function parseConformArgs(args: string[]): ConformArgs {
  const raw = parseArgs(args, {
    string: [
      "target",
      "profile",
      "only",
      "skip",
      "seed",
      "timeout",
      "case-timeout",
      "run-timeout",
      "concurrency",
      "report",
      "param",
      "repeat",
      "rubric",
    ],
    boolean: ["strict", "list", "help"],
    collect: ["target", "only", "skip", "report", "param"],
    default: { profile: "echo" },
    unknown: (arg: string) => {
      if (arg.startsWith("-")) {
        throw new UsageError(`Unknown option "${arg.split("=")[0]}" (see --help)`);
      }
      throw new UsageError(`Unexpected argument "${arg}" (see --help)`);
    },
  });
  const list = raw.list as boolean;
  const help = raw.help as boolean;
  const targetTexts = raw.target as string[];
  const targets = list || help ? {} : parseTargets(targetTexts);
  const seedGiven = raw.seed !== undefined;
  const seed = seedGiven ? wholeNumber("seed", raw.seed, 0) : Math.floor(Math.random() * 2 ** 31);
  if (seed > 0xffffffff) throw new UsageError(`Option --seed must be below 2^32, got ${seed}`);
  const reports = (raw.report as string[]).map((spec) => {
    const i = spec.indexOf(":");
    const format = i < 0 ? spec : spec.slice(0, i);
    const path = i < 0 ? "" : spec.slice(i + 1);
    if (!WRITERS[format]) {
      throw new UsageError(
        `Unknown report format "${format}" in "${spec}": expected one of ${
          Object.keys(WRITERS).join(", ")
        }`,
      );
    }
    if (path === "") {
      throw new UsageError(`Report "${spec}" has no path: use FORMAT:PATH (- for stdout)`);
    }
    return { format, path };
  });
  const toStdout = reports.filter((r) => r.path === "-");
  if (toStdout.length > 1) {
    throw new UsageError(
      `Only one report can go to stdout, got ${toStdout.map((r) => `${r.format}:-`).join(" and ")}`,
    );
  }
  const params = parseParams(raw.param as string[]);
  return {
    targets,
    targetTexts,
    profileSpec: raw.profile as string,
    only: raw.only as string[],
    skip: raw.skip as string[],
    seed,
    seedGiven,
    timeoutMs: raw.timeout === undefined ? 2000 : wholeNumber("timeout", raw.timeout),
    runTimeoutMs: raw["run-timeout"] === undefined
      ? undefined
      : wholeNumber("run-timeout", raw["run-timeout"]),
    caseTimeoutMs: raw["case-timeout"] === undefined
      ? 30_000
      : wholeNumber("case-timeout", raw["case-timeout"]),
    concurrency: raw.concurrency === undefined ? 4 : wholeNumber("concurrency", raw.concurrency),
    strict: raw.strict as boolean,
    list,
    help,
    reports,
    params,
    repeat: raw.repeat === undefined ? 1 : wholeNumber("repeat", raw.repeat),
    rubric: raw.rubric as string | undefined,
  };
}

/** Builds the command that reruns one case exactly as this run did. */
export function reproduceCommand(a: ConformArgs, id: string): string {
  const parts = ["deno task conform"];
  for (const t of [a.targets.tcp, a.targets.udp]) if (t) parts.push(`--target ${t.url}`);
  parts.push(`--profile ${a.profileSpec}`, `--only ${id}`, `--seed ${a.seed}`);
  if (a.strict) parts.push("--strict");
  if (a.timeoutMs !== 2000) parts.push(`--timeout ${a.timeoutMs}`);
  if (a.caseTimeoutMs !== 30_000) parts.push(`--case-timeout ${a.caseTimeoutMs}`);
  if (a.repeat > 1) parts.push(`--repeat ${a.repeat}`);
  for (const [k, v] of Object.entries(a.params)) parts.push(`--param ${k}=${v}`);
  return parts.join(" ");
}

/** Makes sure a report path can be written before the run starts. */
async function checkWritable(path: string): Promise<void> {
  if (path === "-") return;
  try {
    const f = await Deno.open(path, { write: true, create: true, truncate: true });
    f.close();
  } catch (e) {
    throw new UsageError(`Cannot write report "${path}": ${errorText(e)}`, { cause: e });
  }
}

/** Writes every requested report. */
export async function writeReports(
  report: RunReport,
  reports: ConformArgs["reports"],
  io: Io,
  options: RenderOptions = {},
): Promise<void> {
  for (const { format, path } of reports) {
    const text = WRITERS[format](report, options);
    if (path === "-") io.out(text.replace(/\n$/, ""));
    else await Deno.writeTextFile(path, text);
  }
}

/** Options for an in-process `conform` run. */
export interface ConformOptions {
  io?: Io;
  /** Profile to use instead of loading `--profile` (the demo passes its own). */
  profile?: Profile;
  /** Colour the output (default: only on a terminal without NO_COLOR). */
  color?: boolean;
  /**
   * Draws a live progress line here instead of printing a line per case (default: when the
   * console output goes to a terminal and `io` is not given).
   */
  progress?: ProgressLine;
  /** Reads an environment variable (default `Deno.env.get`): GITHUB_ACTIONS, GITHUB_STEP_SUMMARY. */
  env?: (name: string) => string | undefined;
}

const STD_IO: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Runs `conform` with `args` and returns its exit code: 0 no fail or error, 1 any fail, 2 usage
 * error, 3 errors but no fail. Never throws for a user's mistake.
 *
 * @example
 * ```ts
 * import { conform } from "./conform.ts";
 * const code = await conform(["--target", "tcp://127.0.0.1:7", "--profile", "echo"]);
 * ```
 */
export async function conform(args: string[], options: ConformOptions = {}): Promise<number> {
  const io = options.io ?? STD_IO;
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  try {
    const a = parseConformArgs(args);
    if (a.help) {
      io.out(usageText());
      return EXIT.ok;
    }
    // A report on stdout keeps stdout to itself: the console report goes to stderr.
    const toStderr = a.reports.some((r) => r.path === "-");
    const say = (line: string) => toStderr ? io.err(line) : io.out(line);
    const stream = toStderr ? Deno.stderr : Deno.stdout;
    const tty = options.io === undefined && stream.isTerminal();
    setColorEnabled(options.color ?? (stream.isTerminal() && !env("NO_COLOR")));
    const progress = options.progress ?? (tty ? ProgressLine.on(stream) : undefined);
    const profile = options.profile ?? await loadProfile(a.profileSpec);
    const cases = selectCases(ALL_CASES, a.only, a.skip);
    if (a.list) {
      for (const c of cases) io.out(`${c.id}  ${c.title}`);
      return EXIT.ok;
    }
    if (cases.length === 0) {
      throw new UsageError(`No case matches --only ${a.only.join(" ")} --skip ${a.skip.join(" ")}`);
    }
    const rubric = a.rubric ? await loadRubric(a.rubric) : undefined;
    if (rubric) checkRubricIds(rubric, ALL_CASES.map((c) => c.id), a.rubric!);
    for (const r of a.reports) await checkWritable(r.path);
    const render: RenderOptions = { rubric };
    const reproduce = (id: string) => reproduceCommand(a, id);
    const live = new LiveReports(cases, a, profile.name, render, reproduce, io);
    live.write();
    const shown = new RunProgress(cases.length, progress, say);
    let report: RunReport;
    const strays = new Set<string>();
    try {
      report = await catchStrays(() =>
        runCases(cases, {
          targets: a.targets,
          profile,
          seed: a.seed,
          strict: a.strict,
          timeoutMs: a.timeoutMs,
          caseTimeoutMs: a.caseTimeoutMs,
          runTimeoutMs: a.runTimeoutMs,
          concurrency: a.concurrency,
          params: a.params as Params,
          repeat: a.repeat,
          reproduce,
          onStart: (c) => shown.start(c),
          onResult: (r, done) => {
            live.add(r);
            shown.result(r, done);
          },
        }), (m) => strays.add(m));
    } catch (e) {
      // The run died part-way: leave every report behind with what finished.
      shown.stop();
      await writeReports(live.report(), a.reports, io, render).catch(() => {});
      throw e;
    }
    shown.stop();
    for (const m of strays) {
      io.err(`sockspec: a case left an error unhandled (a bug in the case; the run went on): ${m}`);
    }
    for (const r of report.cases.filter(isProblem)) {
      say("");
      for (const line of caseDetail(r)) say(line);
    }
    say("");
    for (const line of closingLines(report)) say(line);
    if (env("GITHUB_ACTIONS") === "true") {
      for (const line of githubAnnotations(report)) say(line);
    }
    const summaryPath = env("GITHUB_STEP_SUMMARY");
    if (summaryPath) await appendStepSummary(summaryPath, report, io);
    await writeReports(report, a.reports, io, render);
    return exitCode(report);
  } catch (e) {
    return exitOnError(e, io.err);
  }
}

/**
 * What the console shows while a run goes: on a terminal, a live line (cases done / total, the
 * group running, elapsed time) with every case that did not simply pass or skip printed above it;
 * otherwise one plain line per case.
 */
class RunProgress {
  #total: number;
  #progress?: ProgressLine;
  #say: (line: string) => void;
  #started = performance.now();
  #group = "";
  #done = 0;
  #failing = 0;
  #timer?: ReturnType<typeof setInterval>;

  constructor(total: number, progress: ProgressLine | undefined, say: (line: string) => void) {
    this.#total = total;
    this.#progress = progress;
    this.#say = say;
    if (progress) {
      this.#timer = setInterval(() => this.#draw(), 250);
      this.#draw();
    }
  }

  start(c: Case): void {
    this.#group = groupOf(c.id);
    this.#draw();
  }

  result(r: CaseResult, done: number): void {
    this.#done = done;
    if (isProblem(r)) this.#failing++;
    if (!this.#progress) return this.#say(caseLine(r));
    if (r.outcome !== "pass" && r.outcome !== "skip") this.#progress.print(caseLine(r));
    this.#draw();
  }

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
 * The Gradescope reports of a run, rewritten as each case ends so a file is left behind even when
 * the run dies part-way; cases not finished yet are errors in it.
 */
class LiveReports {
  #partial: PartialRun;
  #paths: string[];
  #render: RenderOptions;
  #io: Io;
  #broken = false;

  constructor(
    cases: readonly Case[],
    a: ConformArgs,
    profile: string,
    render: RenderOptions,
    reproduce: (id: string) => string,
    io: Io,
  ) {
    this.#partial = new PartialRun(cases, {
      targets: a.targets,
      profile,
      seed: a.seed,
      strict: a.strict,
      reproduce,
    });
    this.#paths = a.reports.filter((r) => r.format === "gradescope" && r.path !== "-")
      .map((r) => r.path);
    this.#render = render;
    this.#io = io;
  }

  add(r: CaseResult): void {
    this.#partial.add(r);
    this.write();
  }

  report(): RunReport {
    return this.#partial.report();
  }

  write(): void {
    if (this.#paths.length === 0 || this.#broken) return;
    const text = renderGradescope(this.#partial.report(), this.#render);
    for (const path of this.#paths) {
      try {
        writeFileAtomicSync(path, text);
      } catch (e) {
        this.#broken = true;
        this.#io.err(`sockspec: Cannot update report "${path}" during the run: ${errorText(e)}`);
      }
    }
  }
}

/**
 * Appends the Markdown summary to GitHub's step summary file, keeping the file under GitHub's
 * 1 MiB limit. A failure to append is reported, never fatal.
 */
async function appendStepSummary(path: string, report: RunReport, io: Io): Promise<void> {
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

/** The exit code a finished run earns. */
export function exitCode(report: RunReport): number {
  if (report.summary.fail > 0 || report.summary.flaky > 0) return EXIT.fail;
  if (report.summary.error > 0) return EXIT.error;
  return EXIT.ok;
}

if (import.meta.main) Deno.exit(await conform(Deno.args));
