/**
 * `deno task conform`: runs the suites against one TCP and/or one UDP target and prints the
 * console report; `--report FORMAT:PATH` writes others. With `--exec` it launches the program
 * under test itself on fresh ports, watches it, names and attributes its deaths and restarts it.
 *
 *     deno task conform --target tcp://127.0.0.1:7777 --target udp://127.0.0.1:7777 --profile echo
 *     deno task conform:exec --exec './server {port}' --build make --profile echo
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { setColorEnabled } from "@std/fmt/colors";
import {
  caseDetail,
  closingLines,
  githubAnnotations,
  ProgressLine,
  type RenderOptions,
  RunProgress,
  WRITERS,
} from "../../reports/mod.ts";
import { checkRubricIds, loadRubric } from "../../reports/rubric.ts";
import { isProblem, type Profile, type RunReport, selectCases, UsageError } from "../mod.ts";
import { CONSOLE_IO, EXIT, exitOnError, type Io, wholeNumber } from "../subject/args.ts";
import { sideBySide } from "../../reports/side_by_side.ts";
import {
  appendStepSummary,
  checkWritable,
  type ReportSpec,
  writeReports,
} from "../subject/output.ts";
import { envVar, needs } from "../subject/permissions.ts";
import { loadProfile, PROFILES } from "../subject/profiles.ts";
import { referenceProblemExit } from "../subject/program/protocol_reference.ts";
import {
  optionLine,
  readRunFlags,
  RUN_FLAGS,
  runFlagLine,
  type RunFlags,
} from "../subject/run_flags.ts";
import { LISTED_CASES } from "../subject/client/client.ts";
import { SUBJECT_FLAGS, subjectFromFlags, SUBJECTS } from "../subject/registry.ts";
import { runnableCases, runSubject } from "../subject/run.ts";
import type { Subject } from "../subject/subject.ts";

/** The parsed command line of `conform`: the shared run flags and conform's own. */
export interface ConformArgs extends RunFlags {
  /** What the run tests, read from the flags (none with `--list` or `--help` alone). */
  subject?: Subject;
  profileSpec: string;
  /** Deadline for the whole run; cases not started by then end `error`. */
  runTimeoutMs?: number;
  list: boolean;
  help: boolean;
  reports: ReportSpec[];
}

/** The usage text. */
function usageText(): string {
  return `Usage: deno task conform --target tcp://HOST:PORT [--target udp://HOST:PORT] --profile NAME [options]
       deno task conform:exec --exec 'CMD {port}' [--build 'CMD'] [--cwd DIR] --profile NAME [options]
       deno task conform:exec --client 'CMD {host} {port}' [--transport tcp|udp] --profile NAME [options]

Options:
${
    [
      ...SUBJECTS[0].usage(),
      optionLine(
        "--profile NAME",
        `built-in profile (${
          Object.keys(PROFILES).join(", ")
        }) or a path to a profile module (default echo)`,
      ),
      runFlagLine("only"),
      runFlagLine("skip"),
      runFlagLine("seed"),
      runFlagLine("timeout"),
      runFlagLine("case-timeout"),
      optionLine(
        "--run-timeout MS",
        "deadline for the whole run (default none); later cases end as errors",
      ),
      runFlagLine("concurrency"),
      runFlagLine("param"),
      runFlagLine("strict"),
      runFlagLine("repeat"),
      optionLine(
        "--report FMT:PATH",
        `also write a report (${Object.keys(WRITERS).join(", ")}); PATH - is stdout (repeatable)`,
      ),
      runFlagLine("rubric"),
      ...SUBJECTS.slice(1).flatMap((k) => k.usage()),
      optionLine("--list", "print every case id and title, and exit"),
      optionLine("--help", "print this text"),
    ].join("\n")
  }

On GitHub Actions (GITHUB_ACTIONS=true) each failure is also an ::error annotation, and the
Markdown summary is appended to $GITHUB_STEP_SUMMARY when it is set.

Exit codes: 0 no fail or error, 1 a case failed or was flaky, 2 usage error (or a missing
permission, or an --exec command that cannot be run), 3 errors but no fail, 4 internal error,
5 the --build failed, 6 the --exec program did not start (exited, never bound, bound another port)`;
}

/**
 * Parses `conform`'s arguments.
 *
 * @throws {UsageError} for an unknown option, a malformed target or number, a bad report spec.
 * @example
 * ```ts
 * import { parseConformArgs } from "./conform.ts";
 * const a = parseConformArgs(["--target", "tcp://127.0.0.1:7", "--only", "tcp.basic"]);
 * a.only; // ["tcp.basic"]
 * ```
 */
export function parseConformArgs(args: string[]): ConformArgs {
  const raw = parseArgs(args, {
    string: [...RUN_FLAGS.string, ...SUBJECT_FLAGS.string, "profile", "run-timeout", "report"],
    boolean: [...RUN_FLAGS.boolean, "list", "help"],
    collect: [...RUN_FLAGS.collect, ...SUBJECT_FLAGS.collect, "report"],
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
  const subject = subjectFromFlags(raw, !list && !help);
  const flags = readRunFlags(raw);
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
  return {
    ...flags,
    ...(subject?.concurrency && raw.concurrency === undefined
      ? { concurrency: subject.concurrency }
      : {}),
    subject,
    profileSpec: raw.profile as string,
    runTimeoutMs: raw["run-timeout"] === undefined
      ? undefined
      : wholeNumber("run-timeout", raw["run-timeout"]),
    list,
    help,
    reports,
  };
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
  /**
   * Reads an environment variable: GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, NO_COLOR (default: the
   * process's, as unset without `--allow-env`).
   */
  env?: (name: string) => string | undefined;
}

/**
 * Runs `conform` with `args` and returns its exit code: 0 no fail or error, 1 any fail, 2 usage
 * error or a missing permission, 3 errors but no fail, 4 internal error. Never throws.
 *
 * @example
 * ```ts
 * import { serve } from "../../fixtures/references/serve.ts";
 * import { conform } from "./conform.ts";
 * import { PROFILES } from "../subject/profiles.ts";
 *
 * await using served = serve(PROFILES.echo.reference!);
 * const lines: string[] = [];
 * const code = await conform(
 *   ["--target", served.targets.tcp!.url, "--only", "tcp.basic", "--seed", "1"],
 *   { io: { out: (l) => lines.push(l), err: (l) => lines.push(l) } },
 * );
 * console.log(code, lines.at(-1)); // 0 "3 passed, 0 failed, 0 errors, 0 skipped"
 * ```
 */
export async function conform(args: string[], options: ConformOptions = {}): Promise<number> {
  const io = options.io ?? CONSOLE_IO;
  const env = options.env ?? envVar;
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
    // A protocol file's reference program is launched by runSubject, as for every command.
    const profile = options.profile ?? await needs("--profile", () => loadProfile(a.profileSpec));
    const base = a.list ? a.subject?.list ?? LISTED_CASES : a.subject!.cases;
    const runnable = runnableCases(base, [profile], a.subject?.client !== undefined);
    const own = runnable.own;
    const cases = selectCases(runnable.cases, a.only, a.skip);
    if (a.list) {
      for (const c of cases) io.out(`${c.id}  ${c.title}`);
      return EXIT.ok;
    }
    if (cases.length === 0) {
      throw new UsageError(`No case matches --only ${a.only.join(" ")} --skip ${a.skip.join(" ")}`);
    }
    const subject = a.subject!;
    const rubric = a.rubric ? await needs("--rubric", () => loadRubric(a.rubric!)) : undefined;
    if (rubric) checkRubricIds(rubric, [...LISTED_CASES, ...own].map((c) => c.id), a.rubric!);
    // A protocol file's client cases are its own: the echo-family client contract does not apply.
    if (own.length === 0) subject.check?.(profile);
    for (const r of a.reports) await checkWritable(r.path);
    const render: RenderOptions = { rubric };
    const shown = new RunProgress(cases.length, progress, say);
    const strays = new Set<string>();
    let ran;
    try {
      ran = await runSubject(
        {
          subject,
          cases,
          profile,
          profileSpec: a.profileSpec,
          flags: a,
          runTimeoutMs: a.runTimeoutMs,
          concurrency: a.concurrency,
        },
        {
          reports: a.reports,
          render,
          warn: io.err,
          note: (l) => io.err(`sockspec: ${l}`),
          onStart: (c) => shown.start(c),
          onResult: (r, done) => shown.result(r, done),
          onStray: (m) => strays.add(m),
        },
      );
    } finally {
      shown.stop();
    }
    const report = ran.report;
    if (!ran.ok) {
      await writeReports(report, a.reports, { io, render });
      const from = ran.failure.kind === "build" ? "build" : "stderr";
      for (const line of ran.failure.details) io.err(`  ${from}: ${line}`);
      io.err(`sockspec: ${ran.failure.message}`);
      return { build: EXIT.build, start: EXIT.start, command: EXIT.usage }[ran.failure.kind];
    }
    if (ran.stopped) {
      // The run died part-way: leave every report behind with what finished.
      await writeReports(report, a.reports, { io, render }).catch(() => {});
      throw ran.stopped;
    }
    for (const m of strays) {
      io.err(`sockspec: a case left an error unhandled (a bug in the case; the run went on): ${m}`);
    }
    for (const r of report.cases.filter(isProblem)) {
      say("");
      for (const line of [...caseDetail(r), ...sideBySide(r)]) say(line);
    }
    say("");
    for (const line of closingLines(report)) say(line);
    if (env("GITHUB_ACTIONS") === "true") {
      for (const line of githubAnnotations(report)) say(line);
    }
    const summaryPath = env("GITHUB_STEP_SUMMARY");
    if (summaryPath) await appendStepSummary(summaryPath, report, io);
    await writeReports(report, a.reports, { io, render });
    return exitCode(report);
  } catch (e) {
    return referenceProblemExit(e, io.err) ?? exitOnError(e, io.err);
  }
}

/** The exit code a finished run earns. */
function exitCode(report: RunReport): number {
  if (report.summary.fail > 0 || report.summary.flaky > 0) return EXIT.fail;
  if (report.summary.error > 0) return EXIT.error;
  return EXIT.ok;
}

if (import.meta.main) Deno.exit(await conform(Deno.args));
