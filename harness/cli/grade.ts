/**
 * `deno task grade`: grades a class. Reads a roster (`student,tcp,udp,profile`), runs the suites
 * against every student's targets in-process, several students at a time, and writes for each
 * student `DIR/<student>/report.json`, `report.html` and Gradescope's `results.json` (each student's
 * results are written and dropped as they finish), and for the batch `DIR/gradebook.csv`,
 * `DIR/gradebook.md`, `DIR/junit.xml` and `DIR/manifest.json`. A malformed row, a duplicate student
 * or an unreachable target becomes a gradebook row with the reason; it never stops the batch.
 *
 *     deno task grade --roster roster.csv --out grades [--rubric rubric.toml] [--concurrency 8]
 *     deno task grade --roster roster.csv --out shard-2 --shard 2/3      # every 3rd row from row 2
 *     deno task grade --merge shard-1 shard-2 shard-3 --out grades       # one gradebook again
 *
 * @module
 */
import { pooledMap } from "@std/async/pool";
import { parseArgs } from "@std/cli/parse-args";
import { setColorEnabled } from "@std/fmt/colors";
import { BatchProgress, gradedStatus, ProgressLine } from "../../reports/mod.ts";
import {
  checkRubricIds,
  countsCase,
  DEFAULT_RUBRIC,
  loadRubric,
  type Rubric,
} from "../../reports/rubric.ts";
import { type Case, errorText, groupOf, selectCases, TOOL, UsageError } from "../mod.ts";
import { CONSOLE_IO, EXIT, exitOnError, type Io, wholeNumber } from "../subject/args.ts";
import {
  BATCH_FILES,
  writeBatchJunit,
  writeGradebook,
  writeManifest,
} from "../grade/batch_files.ts";
import { LISTED_CASES } from "../subject/client/client.ts";
import { batchCases, checkRows } from "../subject/registry.ts";
import { type Batch, type BatchCache, gradeStudent, profileOf } from "../grade/student.ts";
import { type Manifest, type ManifestRow, sha256 } from "../grade/manifest.ts";
import { mergeShards } from "../grade/merge.ts";
import { join, prepareOut } from "../subject/output.ts";
import {
  deniedPermission,
  envVar,
  needs,
  PermissionNeeded,
  requireNet,
} from "../subject/permissions.ts";
import { parseRoster, type RosterEntry } from "../grade/roster.ts";
import {
  optionLine,
  readRunFlags,
  RUN_FLAGS,
  runFlagLine,
  type RunFlags,
} from "../subject/run_flags.ts";
import { isProtocolFile, loadProtocolFile } from "../../suites/protocol/mod.ts";
import { runnableCases } from "../subject/run.ts";
import { referenceProblemExit, referenceReady } from "../subject/program/protocol_reference.ts";
import {
  JOB_INDEX_VAR,
  parseShard,
  type Shard,
  shardFromJobIndex,
  shardRows,
  shardText,
} from "../grade/shard.ts";
import { catchStrays } from "../subject/stray.ts";

/**
 * Students graded at once when `--concurrency` is not given and the roster gives targets only,
 * measured on a 2-core machine with `deno task bench:grade` (see the README's "Scaling out"): a
 * student's run mostly waits (the cases that can take a server down, and the load cases, run one
 * at a time), so 40 correct fork-per-client servers took 38 s at 4 at once, 21.5-25.1 s at 8,
 * 21.8 s at 12 and 20.8 s at 16 (the machine's CPU, spent mostly by the servers' forks, bounds
 * it from there), with no fail, error, flaky or warn in any batch, nor in batches at 12 beside two
 * CPU hogs (29 s) and beside a whole test suite (47.5 s, twice). Memory: 190 MiB at 4, 270 at 12.
 */
export const GRADE_CONCURRENCY = 12;

/**
 * Students graded at once by default when the roster launches programs (a `command` or `client`
 * column): each is built, launched, watched through `/proc` and killed, and its process cases
 * measure its CPU, so programs share the CPU with sockspec instead of waiting on the network.
 */
export const PROGRAM_CONCURRENCY = 4;

/** The default number of students graded at once for these roster rows. */
export function defaultConcurrency(rows: readonly RosterEntry[]): number {
  return rows.some((r) => r.exec !== undefined || r.client !== undefined)
    ? PROGRAM_CONCURRENCY
    : GRADE_CONCURRENCY;
}

/** At most one gradebook rewrite per this many milliseconds while a batch runs. */
const GRADEBOOK_EVERY_MS = 1000;

/** The parsed command line of `grade`: the shared run flags and grade's own. */
interface GradeArgs extends RunFlags {
  roster: string;
  out: string;
  help: boolean;
  /** `--shard I/N`, or `--shard-count N` with a Kubernetes Indexed Job's index. */
  shard?: Shard;
  /** The folders of `--merge DIR…`; undefined without `--merge`. */
  merge?: string[];
  /** Whether `--seed` was given: shards without it all take a seed made from the roster. */
  seedGiven: boolean;
  /** Whether `--concurrency` was given: without it, it follows the roster (`defaultConcurrency`). */
  concurrencyGiven: boolean;
}

/** The usage text of `grade`. */
const GRADE_USAGE =
  `Usage: deno task grade --roster ROSTER.csv --out DIR [--rubric FILE] [--concurrency N] [options]
       deno task grade --roster ROSTER.csv --out DIR --shard I/N [options]
       deno task grade --merge DIR... --out DIR

Grades every student of a roster and writes DIR/<student>/{report.json,report.html,results.json}
and DIR/gradebook.csv, DIR/gradebook.md, DIR/junit.xml, DIR/manifest.json. With --shard it grades
every N-th roster row from row I; --merge puts the shards' folders together into one.

The roster is CSV with a header row: student,tcp,udp,profile. Either target may be empty; a
target is tcp://HOST:PORT (udp://HOST:PORT) or HOST:PORT; the profile defaults to echo. A row may
give the student's program instead: a command column ('./server {port}'), and optional dir and
build columns; sockspec builds it, launches it on fresh ports and kills it (needs --allow-all).

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
      runFlagLine(
        "concurrency",
        `students graded at once (default ${GRADE_CONCURRENCY}; ${PROGRAM_CONCURRENCY} when the roster launches programs)`,
      ),
      optionLine(
        "--shard I/N",
        "grade only roster rows I, I+N, I+2N, ... (by position, from 1)",
      ),
      optionLine(
        "--shard-count N",
        `the shard is ${JOB_INDEX_VAR} + 1 of N (a Kubernetes Indexed Job)`,
      ),
      optionLine(
        "--merge DIR...",
        "merge the output folders of every shard into --out (no grading)",
      ),
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

A shard without --seed takes a seed made from the roster, the same in every shard.

Exit codes: 0 every row graded, 2 usage error (or a missing permission, or folders --merge refuses),
3 some rows could not be graded (malformed, duplicate, unreachable target; see the status column),
4 internal error`;

/**
 * Parses `grade`'s arguments.
 *
 * @param env Reads an environment variable (`JOB_COMPLETION_INDEX` for `--shard-count`).
 * @throws {UsageError} for an unknown option, a missing --roster or --out, a bad number or shard,
 *   run options given to --merge.
 */
function parseGradeArgs(args: string[], env: (name: string) => string | undefined): GradeArgs {
  const positional: string[] = [];
  const raw = parseArgs(args, {
    string: [...RUN_FLAGS.string, "roster", "out", "shard", "shard-count"],
    boolean: [...RUN_FLAGS.boolean, "help", "merge"],
    collect: [...RUN_FLAGS.collect],
    unknown: (arg: string) => {
      if (arg.startsWith("-")) {
        throw new UsageError(`Unknown option "${arg.split("=")[0]}" (see --help)`);
      }
      positional.push(arg);
      return false;
    },
  });
  const help = raw.help as boolean;
  const merge = raw.merge === true;
  if (positional.length > 0 && !merge) {
    throw new UsageError(`Unexpected argument "${positional[0]}" (see --help)`);
  }
  if (!help && !raw.out) throw new UsageError("No output directory: give --out DIR");
  if (merge) {
    const given = ["roster", "shard", "shard-count", ...RUN_FLAGS.string, ...RUN_FLAGS.boolean]
      .find((k) =>
        raw[k] !== undefined && raw[k] !== false && !(Array.isArray(raw[k]) && raw[k].length === 0)
      );
    if (given) {
      throw new UsageError(
        `Option --${given} does not go with --merge: the shards' settings are in their manifests`,
      );
    }
    if (!help && positional.length === 0) {
      throw new UsageError("Nothing to merge: give --merge DIR... --out DIR");
    }
  } else if (!help && !raw.roster) throw new UsageError("No roster: give --roster ROSTER.csv");
  if (raw.shard !== undefined && raw["shard-count"] !== undefined) {
    throw new UsageError("Give --shard I/N or --shard-count N, not both");
  }
  const shard = raw.shard !== undefined
    ? parseShard(raw.shard as string)
    : raw["shard-count"] !== undefined
    ? shardFromJobIndex(wholeNumber("shard-count", raw["shard-count"]), env(JOB_INDEX_VAR))
    : undefined;
  const flags = readRunFlags(raw);
  return {
    ...flags,
    concurrency: raw.concurrency === undefined ? GRADE_CONCURRENCY : flags.concurrency,
    concurrencyGiven: raw.concurrency !== undefined,
    roster: (raw.roster as string | undefined) ?? "",
    out: (raw.out as string | undefined) ?? "",
    help,
    shard,
    merge: merge ? positional : undefined,
    seedGiven: raw.seed !== undefined,
  };
}

/** Options for an in-process `grade` run. */
export interface GradeOptions {
  io?: Io;
  /** Colour the output (default: only on a terminal without NO_COLOR). */
  color?: boolean;
  /** Draws the batch's progress here (default: a live line when stdout is a terminal). */
  progress?: ProgressLine;
  /**
   * Reads an environment variable: `JOB_COMPLETION_INDEX` for `--shard-count` (default: the
   * process's, as unset without `--allow-env`).
   */
  env?: (name: string) => string | undefined;
}

/**
 * Runs `grade` with `args` and returns its exit code: 0 every row graded, 2 usage error or a
 * missing permission, 3 some rows could not be graded, 4 internal error. Never throws.
 *
 * @example
 * ```ts
 * import { serve } from "../../fixtures/references/serve.ts";
 * import { grade } from "./grade.ts";
 * import { PROFILES } from "../subject/profiles.ts";
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
    const a = parseGradeArgs(args, options.env ?? envVar);
    if (a.help) {
      io.out(GRADE_USAGE);
      return EXIT.ok;
    }
    if (a.merge) {
      const { manifest, folders } = await mergeShards(a.merge, a.out);
      io.out(
        `sockspec grade --merge: ${folders} folders, ${manifest.rows.length} of ${manifest.roster.rows} roster rows`,
      );
      return closing(manifest.rows, a.out, io);
    }
    return await gradeRoster(
      a,
      io,
      options.progress ?? (tty ? ProgressLine.on(Deno.stdout) : undefined),
    );
  } catch (e) {
    return referenceProblemExit(e, io.err) ?? exitOnError(e, io.err);
  }
}

/** Grades the roster (or the shard of it) `a` names; returns the exit code. */
async function gradeRoster(a: GradeArgs, io: Io, line: ProgressLine | undefined): Promise<number> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const text = await needs("--roster", async () => {
    try {
      return await Deno.readTextFile(a.roster);
    } catch (e) {
      throw new UsageError(`Cannot read roster "${a.roster}": ${errorText(e)}`, { cause: e });
    }
  });
  const roster = parseRoster(text, a.roster);
  const rosterHash = await sha256(text);
  // Shards must agree on the seed without talking: one made from the roster.
  const seed = a.shard && !a.seedGiven ? parseInt(rosterHash.slice(0, 8), 16) % 2 ** 31 : a.seed;
  const concurrency = a.concurrencyGiven
    ? a.concurrency
    : defaultConcurrency(roster.flatMap((r) => r.ok ? [r] : []));
  const flags: RunFlags = { ...a, seed, concurrency };
  const rubric = a.rubric ? await needs("--rubric", () => loadRubric(a.rubric!)) : DEFAULT_RUBRIC;
  const graded = roster.flatMap((r) => r.ok ? [r] : []);
  // A protocol file in the profile column brings its cases: the batch grades them beside the rest.
  const files = [...new Set(graded.map((r) => r.profile))].filter(isProtocolFile);
  const runnable = runnableCases(batchCases(graded), files.map(loadProtocolFile), false);
  const own = runnable.own;
  const cases = selectCases(runnable.cases, a.only, a.skip);
  if (a.rubric) checkRubricIds(rubric, [...LISTED_CASES, ...own].map((c) => c.id), a.rubric);
  if (cases.length === 0) {
    throw new UsageError(`No case matches --only ${a.only.join(" ")} --skip ${a.skip.join(" ")}`);
  }
  await prepareOut(a.out);
  const selected = a.shard ? shardRows(roster, a.shard) : roster;
  const entries = selected.flatMap((r, i) => (r.ok ? [{ entry: r, index: i }] : []));
  const cache: BatchCache = { profiles: new Map(), references: new Map() };
  await checkPermissions(entries.map((e) => e.entry), cache);
  await checkReferences(entries.map((e) => e.entry), cache, io);
  checkRows(entries.map((e) => e.entry));
  const groups = countedGroups(cases, rubric);
  const title = `Gradebook: ${a.roster}`;
  // The rows are all a batch keeps of its students: each one's results are written and dropped.
  const rows: ManifestRow[] = selected.map((r) => ({
    student: r.student,
    line: r.line,
    groups: {},
    groupMax: {},
    status: r.ok ? "pending" : r.reason,
  }));
  let written = 0;
  const writeRows = (force = false) => {
    if (!force && performance.now() - written < GRADEBOOK_EVERY_MS) return;
    writeGradebook(a.out, rows, groups, title);
    written = performance.now();
  };
  writeRows(true);
  io.out(
    `sockspec grade: ${roster.length} roster rows${
      a.shard ? `, shard ${shardText(a.shard)}: ${selected.length} of them` : ""
    }, ${entries.length} to grade, ${cases.length} cases each, ${flags.concurrency} at a time, seed ${seed}${
      a.shard && !a.seedGiven ? " (from the roster)" : ""
    }`,
  );
  const progress = new BatchProgress(entries.length, line, (l) => io.out(l));
  const batch: Batch = { cases, flags, out: a.out, rubric, cache, warn: io.err };
  const gradeOne = async ({ entry, index }: { entry: RosterEntry; index: number }) => {
    progress.start(entry.student, cases.length);
    const row: ManifestRow = await gradeStudent(
      entry,
      batch,
      (done) => progress.step(entry.student, done),
    );
    if (await exists(join(a.out, entry.dir))) row.dir = entry.dir;
    rows[index] = row;
    progress.finish(entry.student, row);
    writeRows();
  };
  const strays = new Set<string>();
  await catchStrays(async () => {
    for await (const _ of pooledMap(flags.concurrency, entries, gradeOne)) { /* drained */ }
  }, (m) => strays.add(m));
  progress.stop();
  writeRows(true);
  await writeBatchJunit(a.out, rows, startedAt);
  const manifest: Manifest = {
    tool: { ...TOOL },
    rubric: { source: a.rubric ?? "reports/rubric.default.json", sha256: await sha256(rubric) },
    roster: { source: a.roster, sha256: rosterHash, rows: roster.length },
    shard: a.shard ?? null,
    settings: {
      seed,
      strict: flags.strict,
      timeoutMs: flags.timeoutMs,
      caseTimeoutMs: flags.caseTimeoutMs,
      repeat: flags.repeat,
      params: flags.params,
      cases: cases.map((c) => c.id),
    },
    groups,
    title,
    rows,
    startedAt,
    durationMs: Math.round(performance.now() - started),
  };
  writeManifest(a.out, manifest);
  for (const m of strays) {
    io.err(`sockspec: a case left an error unhandled (a bug in the case; grading went on): ${m}`);
  }
  return closing(rows, a.out, io);
}

/** Prints the rows that could not be graded and where the batch files are; returns the exit code. */
function closing(rows: readonly ManifestRow[], out: string, io: Io): number {
  const problems = rows.filter((r) => !gradedStatus(r.status));
  for (const r of problems) io.out(`line ${r.line}: ${r.student}: ${r.status}`);
  io.out(
    `${rows.length - problems.length} of ${rows.length} rows graded; gradebook: ${
      join(out, BATCH_FILES.csv)
    }, ${join(out, BATCH_FILES.md)}; JUnit: ${join(out, BATCH_FILES.junit)}`,
  );
  return problems.length > 0 ? EXIT.error : EXIT.ok;
}

/** Whether `path` exists. */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
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

/**
 * Stops the batch, before any grading, when a protocol file's reference program does not start
 * (exit 6) or disagrees with its file (exit 2): no student could be judged against it. Each file
 * is checked once; every student's run then asks the same reference (see `referenceReady`).
 */
async function checkReferences(entries: readonly RosterEntry[], cache: BatchCache, io: Io) {
  for (const spec of new Set(entries.map((e) => e.profile).filter(isProtocolFile))) {
    // A file that does not load stays with its rows.
    const profile = await profileOf(cache, spec).catch(() => undefined);
    if (profile) await referenceReady(profile, (l) => io.err(`sockspec: ${l}`));
  }
}

/** The groups of the cases the rubric counts, in case order: the gradebook's columns. */
function countedGroups(cases: readonly Case[], rubric: Rubric): string[] {
  return [...new Set(cases.filter((c) => countsCase(rubric, c.id)).map((c) => groupOf(c.id)))];
}

if (import.meta.main) Deno.exit(await grade(Deno.args));
