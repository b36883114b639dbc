/**
 * `deno task grade`: grades a class. Reads a roster (`student,tcp,udp,profile`), runs the suites
 * against every student's targets in-process, a few students at a time, and writes for each
 * student `DIR/<student>/report.json`, `report.html` and Gradescope's `results.json`, and for the
 * batch `DIR/gradebook.csv` and `DIR/gradebook.md`. A malformed row, a duplicate student or an
 * unreachable target becomes a gradebook row with the reason; it never stops the batch.
 *
 *     deno task grade --roster roster.csv --out grades [--rubric rubric.toml] [--concurrency 4]
 *
 * @module
 */
import { pooledMap } from "@std/async/pool";
import { parseArgs } from "@std/cli/parse-args";
import { setColorEnabled } from "@std/fmt/colors";
import {
  BatchProgress,
  type GradebookRow,
  ProgressLine,
  renderGradebookCsv,
  renderGradebookMarkdown,
} from "../../reports/mod.ts";
import { checkRubricIds, DEFAULT_RUBRIC, loadRubric, type Rubric } from "../../reports/rubric.ts";
import { ALL_CASES } from "../../suites/mod.ts";
import {
  type Case,
  errorText,
  groupOf,
  matchesPrefix,
  selectCases,
  UsageError,
  writeFileAtomicSync,
} from "../mod.ts";
import { CONSOLE_IO, EXIT, exitOnError, type Io } from "./args.ts";
import { type Batch, type BatchCache, gradeStudent, profileOf } from "./grade_student.ts";
import { join, prepareOut } from "./output.ts";
import { deniedPermission, envVar, needs, PermissionNeeded, requireNet } from "./permissions.ts";
import { parseRoster, type RosterEntry } from "./roster.ts";
import { optionLine, readRunFlags, RUN_FLAGS, runFlagLine, type RunFlags } from "./run_flags.ts";
import { catchStrays } from "./stray.ts";

/** The parsed command line of `grade`: the shared run flags and grade's own. */
interface GradeArgs extends RunFlags {
  roster: string;
  out: string;
  help: boolean;
}

/** The usage text of `grade`. */
const GRADE_USAGE =
  `Usage: deno task grade --roster ROSTER.csv --out DIR [--rubric FILE] [--concurrency N] [options]

Grades every student of a roster and writes DIR/<student>/{report.json,report.html,results.json}
and DIR/gradebook.csv, DIR/gradebook.md.

The roster is CSV with a header row: student,tcp,udp,profile. Either target may be empty; a
target is tcp://HOST:PORT (udp://HOST:PORT) or HOST:PORT; the profile defaults to echo.

Options:
${
    [
      optionLine("--roster FILE", "the roster (required)"),
      optionLine(
        "--out DIR",
        "where the reports and the gradebook go (created if missing; required)",
      ),
      runFlagLine(
        "rubric",
        "points, visibility and counted groups (JSON or TOML; default: the shipped one)",
      ),
      runFlagLine("concurrency", "students graded at once (default 4)"),
      runFlagLine(
        "repeat",
        "run each case N times; a case whose outcomes differ is flaky (no points)",
      ),
      runFlagLine("seed", "one seed for every student (default: random, printed)"),
      runFlagLine("only", "grade only cases whose id starts with PREFIX (repeatable)"),
      runFlagLine("skip"),
      runFlagLine("timeout"),
      runFlagLine("case-timeout"),
      runFlagLine("param", "tune a case, e.g. --param clients=100 (repeatable)"),
      runFlagLine("strict"),
      optionLine("--help", "print this text"),
    ].join("\n")
  }

Exit codes: 0 every row graded, 2 usage error (or a missing permission), 3 some rows could not be
graded (malformed, duplicate, unreachable target; see the status column), 4 internal error`;

/**
 * Parses `grade`'s arguments.
 *
 * @throws {UsageError} for an unknown option, a missing --roster or --out, a bad number.
 */
function parseGradeArgs(args: string[]): GradeArgs {
  const raw = parseArgs(args, {
    string: [...RUN_FLAGS.string, "roster", "out"],
    boolean: [...RUN_FLAGS.boolean, "help"],
    collect: [...RUN_FLAGS.collect],
    unknown: (arg: string) => {
      if (arg.startsWith("-")) {
        throw new UsageError(`Unknown option "${arg.split("=")[0]}" (see --help)`);
      }
      throw new UsageError(`Unexpected argument "${arg}" (see --help)`);
    },
  });
  const help = raw.help as boolean;
  if (!help && !raw.roster) throw new UsageError("No roster: give --roster ROSTER.csv");
  if (!help && !raw.out) throw new UsageError("No output directory: give --out DIR");
  return {
    ...readRunFlags(raw),
    roster: (raw.roster as string | undefined) ?? "",
    out: (raw.out as string | undefined) ?? "",
    help,
  };
}

/** Options for an in-process `grade` run. */
export interface GradeOptions {
  io?: Io;
  /** Colour the output (default: only on a terminal without NO_COLOR). */
  color?: boolean;
  /** Draws the batch's progress here (default: a live line when stdout is a terminal). */
  progress?: ProgressLine;
}

/**
 * Runs `grade` with `args` and returns its exit code: 0 every row graded, 2 usage error or a
 * missing permission, 3 some rows could not be graded, 4 internal error. Never throws.
 *
 * @example
 * ```ts
 * import { serve } from "../../fixtures/serve.ts";
 * import { grade } from "./grade.ts";
 * import { PROFILES } from "./profiles.ts";
 *
 * await using served = serve(PROFILES.echo.reference!);
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/roster.csv`,
 *   `student,tcp,udp,profile\nada,${served.targets.tcp!.url},${served.targets.udp!.url},echo\n`,
 * );
 * const args = ["--roster", `${dir}/roster.csv`, "--out", `${dir}/grades`, "--only", "tcp.basic"];
 * const code = await grade(args, { io: { out: () => {}, err: console.error } });
 * console.log(code, await Deno.readTextFile(`${dir}/grades/gradebook.csv`)); // 0 "student,total,max,…"
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function grade(args: string[], options: GradeOptions = {}): Promise<number> {
  const io = options.io ?? CONSOLE_IO;
  const tty = options.io === undefined && Deno.stdout.isTerminal();
  setColorEnabled(options.color ?? (Deno.stdout.isTerminal() && !envVar("NO_COLOR")));
  try {
    const a = parseGradeArgs(args);
    if (a.help) {
      io.out(GRADE_USAGE);
      return EXIT.ok;
    }
    const text = await needs("--roster", async () => {
      try {
        return await Deno.readTextFile(a.roster);
      } catch (e) {
        throw new UsageError(`Cannot read roster "${a.roster}": ${errorText(e)}`, { cause: e });
      }
    });
    const roster = parseRoster(text, a.roster);
    const rubric = a.rubric ? await needs("--rubric", () => loadRubric(a.rubric!)) : DEFAULT_RUBRIC;
    if (a.rubric) checkRubricIds(rubric, ALL_CASES.map((c) => c.id), a.rubric);
    const cases = selectCases(ALL_CASES, a.only, a.skip);
    if (cases.length === 0) {
      throw new UsageError(`No case matches --only ${a.only.join(" ")} --skip ${a.skip.join(" ")}`);
    }
    await prepareOut(a.out);
    const entries = roster.flatMap((r, i) => (r.ok ? [{ entry: r, index: i }] : []));
    const cache: BatchCache = { profiles: new Map(), references: new Map() };
    await checkPermissions(entries.map((e) => e.entry), cache);
    const groups = countedGroups(cases, rubric);
    const rows: GradebookRow[] = roster.map((r) =>
      r.ok
        ? { student: r.student, line: r.line, groups: {}, groupMax: {}, status: "pending" }
        : { student: r.student, line: r.line, groups: {}, groupMax: {}, status: r.reason }
    );
    const writeGradebook = () => {
      // Columns for the groups some student was scored on (a profile may not use them all).
      const scored = groups.filter((g) => rows.some((r) => r.groupMax[g] !== undefined));
      const columns = scored.length > 0 ? scored : groups;
      writeFileAtomicSync(join(a.out, "gradebook.csv"), renderGradebookCsv(rows, columns));
      writeFileAtomicSync(
        join(a.out, "gradebook.md"),
        renderGradebookMarkdown(rows, columns, `Gradebook: ${a.roster}`),
      );
    };
    writeGradebook();
    io.out(
      `sockspec grade: ${roster.length} roster rows, ${entries.length} to grade, ${cases.length} cases each, seed ${a.seed}`,
    );
    const progress = new BatchProgress(
      entries.length,
      options.progress ?? (tty ? ProgressLine.on(Deno.stdout) : undefined),
      (l) => io.out(l),
    );
    const batch: Batch = { cases, flags: a, out: a.out, rubric, cache, warn: io.err };
    const gradeOne = async ({ entry, index }: { entry: RosterEntry; index: number }) => {
      progress.start(entry.student, cases.length);
      const row = await gradeStudent(entry, batch, (done) => progress.step(entry.student, done));
      rows[index] = row;
      progress.finish(entry.student, row);
      writeGradebook();
    };
    const strays = new Set<string>();
    await catchStrays(async () => {
      for await (const _ of pooledMap(a.concurrency, entries, gradeOne)) { /* drained */ }
    }, (m) => strays.add(m));
    progress.stop();
    writeGradebook();
    for (const m of strays) {
      io.err(`sockspec: a case left an error unhandled (a bug in the case; grading went on): ${m}`);
    }
    const problems = rows.filter((r) => r.status !== "ok");
    for (const r of problems) io.out(`line ${r.line}: ${r.student}: ${r.status}`);
    io.out(
      `${rows.length - problems.length} of ${rows.length} rows graded; gradebook: ${
        join(a.out, "gradebook.csv")
      }, ${join(a.out, "gradebook.md")}`,
    );
    return problems.length > 0 ? EXIT.error : EXIT.ok;
  } catch (e) {
    return exitOnError(e, io.err);
  }
}

/**
 * Stops the batch, before any grading, on a permission every student would miss: to reach the
 * roster's targets, or to read a profile module it names. Other problems stay with their rows.
 */
async function checkPermissions(entries: readonly RosterEntry[], cache: BatchCache) {
  requireNet("a roster target", entries.flatMap((e) => [e.targets.tcp, e.targets.udp]));
  for (const spec of new Set(entries.map((e) => e.profile))) {
    const denied = await profileOf(cache, spec).then(() => null, (e) => deniedPermission(e) && e);
    if (denied) throw new PermissionNeeded(`the roster's profile "${spec}"`, { cause: denied });
  }
}

/** The groups of the cases the rubric counts, in case order: the gradebook's columns. */
function countedGroups(cases: readonly Case[], rubric: Rubric): string[] {
  const counted = cases.filter((c) =>
    rubric.count.length === 0 || rubric.count.some((p) => matchesPrefix(c.id, p))
  );
  return [...new Set(counted.map((c) => groupOf(c.id)))];
}

if (import.meta.main) Deno.exit(await grade(Deno.args));
