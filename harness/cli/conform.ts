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
import {
  type ClientUnderTest,
  isProblem,
  parseTargets,
  type Profile,
  runCases,
  type RunOptions,
  type RunReport,
  selectCases,
  type Targets,
  UsageError,
} from "../mod.ts";
import { CONSOLE_IO, EXIT, exitOnError, type Io, wholeNumber } from "./args.ts";
import {
  appendStepSummary,
  checkWritable,
  type ReportSpec,
  runWithLiveReports,
  writeReports,
} from "./output.ts";
import { envVar, needs, requireNet } from "./permissions.ts";
import { loadProfile, PROFILES } from "./profiles.ts";
import {
  optionLine,
  readRunFlags,
  reproduceCommand,
  RUN_FLAGS,
  runFlagLine,
  type RunFlags,
  runOptions,
} from "./run_flags.ts";
import { catchStrays } from "./stray.ts";
import { type ExecSession, notStartedReport, openExec } from "./exec_session.ts";
import { EXEC_FLAGS, execFlagLines, type ExecSpec, readExecFlags, withExec } from "./exec_spec.ts";
import { TargetWatch } from "./target_watch.ts";
import {
  casesFor,
  checkClient,
  CLIENT_CONCURRENCY,
  CLIENT_FLAGS,
  clientFlagLines,
  LISTED_CASES,
  readClientFlags,
  withClient,
} from "./client.ts";

/** The parsed command line of `conform`: the shared run flags and conform's own. */
export interface ConformArgs extends RunFlags {
  targets: Targets;
  /** The program under test to launch (`--exec` and its companions), if any. */
  exec?: ExecSpec;
  /** The client under test (`--client`, `--transport`), if any: then the client cases run. */
  client?: ClientUnderTest;
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
      optionLine(
        "--target URL",
        "tcp://HOST:PORT or udp://HOST:PORT (IPv6: tcp://[::1]:7); at most one of each",
      ),
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
      ...execFlagLines(),
      ...clientFlagLines(),
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
    string: [
      ...RUN_FLAGS.string,
      ...EXEC_FLAGS.string,
      ...CLIENT_FLAGS.string,
      "target",
      "profile",
      "run-timeout",
      "report",
    ],
    boolean: [...RUN_FLAGS.boolean, "list", "help"],
    collect: [...RUN_FLAGS.collect, ...EXEC_FLAGS.collect, "target", "report"],
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
  const exec = readExecFlags(raw);
  if (exec && (raw.target as string[]).length > 0) {
    throw new UsageError(
      "Give --exec or --target, not both: with --exec the targets follow from the command's " +
        "placeholders ({port}, {tcp}, {udp})",
    );
  }
  const client = readClientFlags(raw);
  if (client && (exec || (raw.target as string[]).length > 0)) {
    throw new UsageError("Give --client alone: it tests a client program, not --target or --exec");
  }
  const targets = list || help || exec || client ? {} : parseTargets(raw.target as string[]);
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
    ...(client && raw.concurrency === undefined ? { concurrency: CLIENT_CONCURRENCY } : {}),
    targets,
    exec,
    client,
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
 * import { serve } from "../../fixtures/serve.ts";
 * import { conform } from "./conform.ts";
 * import { PROFILES } from "./profiles.ts";
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
    const profile = options.profile ?? await needs("--profile", () => loadProfile(a.profileSpec));
    const cases = selectCases(
      a.list && !a.client ? LISTED_CASES : casesFor(a.client),
      a.only,
      a.skip,
    );
    if (a.list) {
      for (const c of cases) io.out(`${c.id}  ${c.title}`);
      return EXIT.ok;
    }
    if (cases.length === 0) {
      throw new UsageError(`No case matches --only ${a.only.join(" ")} --skip ${a.skip.join(" ")}`);
    }
    const rubric = a.rubric ? await needs("--rubric", () => loadRubric(a.rubric!)) : undefined;
    if (rubric) checkRubricIds(rubric, LISTED_CASES.map((c) => c.id), a.rubric!);
    if (a.client) checkClient(a.client, profile);
    for (const r of a.reports) await checkWritable(r.path);
    requireNet("--target", [a.targets.tcp, a.targets.udp]);
    const render: RenderOptions = { rubric };
    const reproduce = (id: string) =>
      a.client
        ? withClient(reproduceCommand(a, {}, a.profileSpec, id), a.client)
        : a.exec
        ? withExec(reproduceCommand(a, {}, a.profileSpec, id), a.exec)
        : reproduceCommand(a, a.targets, a.profileSpec, id);
    const meta = {
      targets: a.targets,
      profile: profile.name,
      seed: a.seed,
      strict: a.strict,
      reproduce,
    };
    let session: ExecSession | undefined;
    if (a.exec) {
      const opened = await openExec(a.exec, profile, { note: (l) => io.err(`sockspec: ${l}`) });
      if (!opened.ok) {
        await writeReports(notStartedReport(cases, { ...meta, targets: {} }, opened), a.reports, {
          io,
          render,
        });
        const from = opened.kind === "build" ? "build" : "stderr";
        for (const line of opened.details) io.err(`  ${from}: ${line}`);
        io.err(`sockspec: ${opened.message}`);
        return { build: EXIT.build, start: EXIT.start, command: EXIT.usage }[opened.kind];
      }
      session = opened;
    }
    try {
      const targets = session ? session.targets() : a.targets;
      const shown = new RunProgress(cases.length, progress, say);
      const strays = new Set<string>();
      const ran = await runWithLiveReports(
        cases,
        { ...meta, targets },
        { reports: a.reports, render, warn: io.err },
        (onResult) => {
          const base: RunOptions = {
            ...runOptions(a),
            targets,
            profile,
            runTimeoutMs: a.runTimeoutMs,
            concurrency: a.concurrency,
            client: a.client,
            reproduce,
            onStart: (c) => shown.start(c),
            onResult: (r, done) => {
              onResult(r);
              shown.result(r, done);
            },
          };
          const options = session
            ? session.runOptions(base)
            : { ...base, ...new TargetWatch(targets.tcp, a.timeoutMs, targets.udp).hooks() };
          return catchStrays(() => runCases(cases, options), (m) => strays.add(m));
        },
      );
      shown.stop();
      const report = ran.report;
      if (session) report.program = await session.close();
      if (ran.stopped) {
        // The run died part-way: leave every report behind with what finished.
        await writeReports(report, a.reports, { io, render }).catch(() => {});
        throw ran.stopped;
      }
      for (const m of strays) {
        io.err(
          `sockspec: a case left an error unhandled (a bug in the case; the run went on): ${m}`,
        );
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
      await writeReports(report, a.reports, { io, render });
      return exitCode(report);
    } finally {
      await session?.close(); // nothing of the program outlives the run, whatever happened
    }
  } catch (e) {
    return exitOnError(e, io.err);
  }
}

/** The exit code a finished run earns. */
function exitCode(report: RunReport): number {
  if (report.summary.fail > 0 || report.summary.flaky > 0) return EXIT.fail;
  if (report.summary.error > 0) return EXIT.error;
  return EXIT.ok;
}

if (import.meta.main) Deno.exit(await conform(Deno.args));
