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
  type GradebookRow,
  ProgressLine,
  renderGradebookCsv,
  renderGradebookMarkdown,
  renderGradescope,
  renderHtml,
  renderJson,
} from "../../reports/mod.ts";
import { serve } from "../../fixtures/serve.ts";
import { ALL_CASES } from "../../suites/mod.ts";
import {
  type Case,
  errorText,
  groupOf,
  isRequestReply,
  makeRng,
  matchesPrefix,
  notApplicable,
  type Params,
  parseTarget,
  PartialRun,
  probeUdp,
  type Profile,
  runCases,
  type RunReport,
  sampleRequest,
  selectCases,
  summarize,
  type Target,
  targetList,
  type Targets,
  TcpClient,
  Transcript,
  type Transport,
  UsageError,
  writeFileAtomicSync,
} from "../mod.ts";
import { type ConformArgs, EXIT, type Io, reproduceCommand } from "./conform.ts";
import { exitOnError, parseParams, wholeNumber } from "./args.ts";
import { loadProfile } from "./profiles.ts";
import { catchStrays } from "./stray.ts";
import { parseRoster, type RosterEntry } from "./roster.ts";
import {
  checkRubricIds,
  DEFAULT_RUBRIC,
  loadRubric,
  type Rubric,
  scoreReport,
} from "../../reports/rubric.ts";

/** The parsed command line of `grade`. */
export interface GradeArgs {
  roster: string;
  out: string;
  rubric?: string;
  /** Students graded at once. */
  concurrency: number;
  repeat: number;
  seed: number;
  timeoutMs: number;
  caseTimeoutMs: number;
  strict: boolean;
  only: string[];
  skip: string[];
  params: Record<string, number>;
  help: boolean;
}

/** The usage text of `grade`. */
export const GRADE_USAGE =
  `Usage: deno task grade --roster ROSTER.csv --out DIR [--rubric FILE] [--concurrency N] [options]

Grades every student of a roster and writes DIR/<student>/{report.json,report.html,results.json}
and DIR/gradebook.csv, DIR/gradebook.md.

The roster is CSV with a header row: student,tcp,udp,profile. Either target may be empty; a
target is tcp://HOST:PORT (udp://HOST:PORT) or HOST:PORT; the profile defaults to echo.

Options:
  --roster FILE       the roster (required)
  --out DIR           where the reports and the gradebook go (created if missing; required)
  --rubric FILE       points, visibility and counted groups (JSON or TOML; default: the shipped one)
  --concurrency N     students graded at once (default 4)
  --repeat N          run each case N times; a case whose outcomes differ is flaky (no points)
  --seed N            one seed for every student (default: random, printed)
  --only PREFIX       grade only cases whose id starts with PREFIX (repeatable)
  --skip PREFIX       leave out cases whose id starts with PREFIX (repeatable)
  --timeout MS        wait for a connect or for bytes (default 2000)
  --case-timeout MS   deadline for one case (default 30000)
  --param NAME=N      tune a case, e.g. --param clients=100 (repeatable)
  --strict            count warnings as failures
  --help              print this text

Exit codes: 0 every row graded, 2 usage error, 3 some rows could not be graded (malformed,
duplicate, unreachable target; see the status column)`;

/**
 * Parses `grade`'s arguments.
 *
 * @throws {UsageError} for an unknown option, a missing --roster or --out, a bad number.
 * @example
 * ```ts
 * import { parseGradeArgs } from "./grade.ts";
 * const a = parseGradeArgs(["--roster", "r.csv", "--out", "grades", "--concurrency", "2"]);
 * ```
 */
export function parseGradeArgs(args: string[]): GradeArgs {
  const raw = parseArgs(args, {
    string: [
      "roster",
      "out",
      "rubric",
      "concurrency",
      "repeat",
      "seed",
      "timeout",
      "case-timeout",
      "only",
      "skip",
      "param",
    ],
    boolean: ["strict", "help"],
    collect: ["only", "skip", "param"],
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
  const params = parseParams(raw.param as string[]);
  const seed = raw.seed === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : wholeNumber("seed", raw.seed, 0);
  if (seed > 0xffffffff) throw new UsageError(`Option --seed must be below 2^32, got ${seed}`);
  return {
    roster: (raw.roster as string | undefined) ?? "",
    out: (raw.out as string | undefined) ?? "",
    rubric: raw.rubric as string | undefined,
    concurrency: raw.concurrency === undefined ? 4 : wholeNumber("concurrency", raw.concurrency),
    repeat: raw.repeat === undefined ? 1 : wholeNumber("repeat", raw.repeat),
    seed,
    timeoutMs: raw.timeout === undefined ? 2000 : wholeNumber("timeout", raw.timeout),
    caseTimeoutMs: raw["case-timeout"] === undefined
      ? 30_000
      : wholeNumber("case-timeout", raw["case-timeout"]),
    strict: raw.strict as boolean,
    only: raw.only as string[],
    skip: raw.skip as string[],
    params,
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

const STD_IO: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** The files a student's directory holds. */
export const STUDENT_FILES = {
  json: "report.json",
  html: "report.html",
  gradescope: "results.json",
} as const;

/**
 * Runs `grade` with `args` and returns its exit code: 0 every row graded, 2 usage error, 3 some
 * rows could not be graded. Never throws for a user's mistake.
 *
 * @example
 * ```ts
 * import { grade } from "./grade.ts";
 * const code = await grade(["--roster", "roster.csv", "--out", "grades"]);
 * ```
 */
export async function grade(args: string[], options: GradeOptions = {}): Promise<number> {
  const io = options.io ?? STD_IO;
  const tty = options.io === undefined && Deno.stdout.isTerminal();
  setColorEnabled(options.color ?? (Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR")));
  try {
    const a = parseGradeArgs(args);
    if (a.help) {
      io.out(GRADE_USAGE);
      return EXIT.ok;
    }
    let text: string;
    try {
      text = await Deno.readTextFile(a.roster);
    } catch (e) {
      throw new UsageError(`Cannot read roster "${a.roster}": ${errorText(e)}`, { cause: e });
    }
    const roster = parseRoster(text, a.roster);
    const rubric = a.rubric ? await loadRubric(a.rubric) : DEFAULT_RUBRIC;
    if (a.rubric) checkRubricIds(rubric, ALL_CASES.map((c) => c.id), a.rubric);
    const cases = selectCases(ALL_CASES, a.only, a.skip);
    if (cases.length === 0) {
      throw new UsageError(`No case matches --only ${a.only.join(" ")} --skip ${a.skip.join(" ")}`);
    }
    await prepareOut(a.out);
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
    const entries = roster.flatMap((r, i) => (r.ok ? [{ entry: r, index: i }] : []));
    io.out(
      `sockspec grade: ${roster.length} roster rows, ${entries.length} to grade, ${cases.length} cases each, seed ${a.seed}`,
    );
    const batch = new BatchProgress(
      entries.length,
      options.progress ?? (tty ? ProgressLine.on(Deno.stdout) : undefined),
      (l) => io.out(l),
    );
    const cache: BatchCache = { profiles: new Map(), references: new Map() };
    const gradeOne = async ({ entry, index }: { entry: RosterEntry; index: number }) => {
      batch.start(entry.student, cases.length);
      const row = await gradeStudent(
        entry,
        cases,
        a,
        rubric,
        cache,
        (done) => batch.step(entry.student, done),
      );
      rows[index] = row;
      batch.finish(entry.student, row);
      writeGradebook();
    };
    const strays = new Set<string>();
    await catchStrays(async () => {
      for await (const _ of pooledMap(a.concurrency, entries, gradeOne)) { /* drained */ }
    }, (m) => strays.add(m));
    batch.stop();
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

/** The run settings every grading run of a batch shares (the reference runs and the students'). */
function runSettings(a: GradeArgs) {
  return {
    seed: a.seed,
    strict: a.strict,
    timeoutMs: a.timeoutMs,
    caseTimeoutMs: a.caseTimeoutMs,
    params: a.params as Params,
  };
}

/** Joins a directory and a name. */
function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** Creates the out directory and makes sure it can be written, before any grading. */
async function prepareOut(out: string): Promise<void> {
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
}

/** The groups of the cases the rubric counts, in case order: the gradebook's columns. */
function countedGroups(cases: readonly Case[], rubric: Rubric): string[] {
  const counted = cases.filter((c) =>
    rubric.count.length === 0 || rubric.count.some((p) => matchesPrefix(c.id, p))
  );
  return [...new Set(counted.map((c) => groupOf(c.id)))];
}

/** What the students of a batch share: loaded profiles, and what each reference is graded on. */
interface BatchCache {
  profiles: Map<string, Promise<Profile>>;
  references: Map<string, Promise<ReadonlySet<string> | undefined>>;
}

/**
 * The cases a profile's reference server does not skip, run once per batch with the batch's
 * settings: every student of that profile is graded on exactly these, so all of them have the
 * same maximum. Undefined for a profile without a reference (then each student is graded on the
 * cases their own run did not skip).
 */
function referenceCases(
  cache: BatchCache,
  cases: readonly Case[],
  profile: Profile,
  a: GradeArgs,
): Promise<ReadonlySet<string> | undefined> {
  let found = cache.references.get(profile.name);
  if (!found) {
    found = (async () => {
      if (!profile.reference) return undefined;
      await using served = serve(profile.reference);
      const report = await runCases(cases, { ...runSettings(a), targets: served.targets, profile });
      return new Set(report.cases.filter((c) => c.outcome !== "skip").map((c) => c.id));
    })().catch(() => undefined);
    cache.references.set(profile.name, found);
  }
  return found;
}

/**
 * Grades one student: checks that each target answers, runs the cases, writes the student's
 * three reports and returns the gradebook row. Never throws: a problem becomes the row's status.
 */
async function gradeStudent(
  entry: RosterEntry,
  cases: readonly Case[],
  a: GradeArgs,
  rubric: Rubric,
  cache: BatchCache,
  onStep: (done: number) => void,
): Promise<GradebookRow> {
  const row: GradebookRow = {
    student: entry.student,
    line: entry.line,
    groups: {},
    groupMax: {},
    status: "ok",
  };
  try {
    const profiles = cache.profiles;
    if (!profiles.has(entry.profile)) profiles.set(entry.profile, loadProfile(entry.profile));
    let profile: Profile;
    try {
      profile = await profiles.get(entry.profile)!;
    } catch (e) {
      row.status = errorText(e);
      return row;
    }
    const dir = join(a.out, entry.dir);
    await Deno.mkdir(dir, { recursive: true });
    const unreachable = await preflight(entry.targets, profile, a.timeoutMs);
    const targets: Targets = { ...entry.targets };
    for (const u of unreachable) delete targets[u.target.transport];
    const conformArgs: ConformArgs = {
      targets: entry.targets,
      targetTexts: [],
      profileSpec: entry.profile,
      only: [],
      skip: [],
      seed: a.seed,
      seedGiven: true,
      timeoutMs: a.timeoutMs,
      caseTimeoutMs: a.caseTimeoutMs,
      concurrency: 4,
      strict: a.strict,
      list: false,
      help: false,
      reports: [],
      params: a.params,
      repeat: a.repeat,
    };
    const reproduce = (id: string) => reproduceCommand(conformArgs, id);
    const gradescopePath = join(dir, STUDENT_FILES.gradescope);
    const live = new PartialRun(cases, {
      targets: entry.targets,
      profile: profile.name,
      seed: a.seed,
      strict: a.strict,
      reproduce,
    });
    // The reference runs beside the student's cases; its answer is needed only for the scores.
    let graded: ReadonlySet<string> | undefined;
    const reference = referenceCases(cache, cases, profile, a).then((set) => graded = set);
    const writeLive = () =>
      writeFileAtomicSync(gradescopePath, renderGradescope(live.report(), { rubric, graded }));
    writeLive();
    let report: RunReport;
    try {
      report = await runCases(cases, {
        ...runSettings(a),
        targets,
        profile,
        repeat: a.repeat,
        reproduce,
        onResult: (r, done) => {
          live.add(r);
          writeLive();
          onStep(done);
        },
      });
    } catch (e) {
      report = live.report();
      row.status = `The run stopped part-way: ${errorText(e)}`;
    }
    report = markMissing(report, cases, profile, entry.targets, targets, unreachable);
    await Deno.writeTextFile(join(dir, STUDENT_FILES.json), renderJson(report));
    await Deno.writeTextFile(join(dir, STUDENT_FILES.html), renderHtml(report));
    await reference;
    writeFileAtomicSync(gradescopePath, renderGradescope(report, { rubric, graded }));
    const sheet = scoreReport(report, rubric, graded);
    row.total = sheet.score;
    row.max = sheet.max;
    for (const [g, s] of Object.entries(sheet.groups)) {
      row.groups[g] = s.score;
      row.groupMax[g] = s.max;
    }
    row.summary = report.summary;
    row.report = `${entry.dir}/${STUDENT_FILES.html}`;
    if (unreachable.length > 0 && row.status === "ok") {
      row.status = unreachable.map((u) => `${u.target.url} unreachable: ${u.reason}`).join("; ");
    }
  } catch (e) {
    row.status = `Internal error while grading: ${errorText(e)}`;
  }
  return row;
}

/** A target that did not answer before the run. */
export interface Unreachable {
  target: Target;
  reason: string;
}

/**
 * Checks that each target is there: a TCP connect, and a UDP datagram that is not refused (an
 * ICMP port unreachable, where the platform reports one). A silent UDP target is not called
 * unreachable: its cases will say what it did.
 */
async function preflight(
  targets: Targets,
  profile: Profile,
  timeoutMs: number,
): Promise<Unreachable[]> {
  const out: Unreachable[] = [];
  if (targets.tcp) {
    try {
      const c = await TcpClient.connect(targets.tcp, {
        label: "preflight",
        transcript: new Transcript(),
        timeoutMs,
      });
      await c.close();
    } catch (e) {
      out.push({ target: targets.tcp, reason: errorText(e) });
    }
  }
  if (targets.udp) {
    const datagram = isRequestReply(profile)
      ? sampleRequest(profile, makeRng(1), 8)
      : new Uint8Array(0);
    try {
      const r = await probeUdp(targets.udp, [datagram], { windowMs: Math.min(timeoutMs, 500) });
      if (r.kind === "refused") {
        out.push({ target: targets.udp, reason: "ICMP port unreachable: no socket bound there" });
      }
    } catch (e) {
      out.push({ target: targets.udp, reason: errorText(e) });
    }
  }
  return out;
}

/**
 * Turns the skips of cases that would apply had every target been there into errors that say
 * why the target was missing (not in the roster, or unreachable before the run), so they count
 * as not passed; cases that do not apply to the profile stay skipped. Puts the roster's targets
 * back in the report's list.
 */
export function markMissing(
  report: RunReport,
  cases: readonly Case[],
  profile: Profile,
  given: Targets,
  ran: Targets,
  unreachable: readonly Unreachable[],
): RunReport {
  const full: Targets = {
    tcp: ran.tcp ?? given.tcp ?? parseTarget("tcp://192.0.2.1:9"),
    udp: ran.udp ?? given.udp ?? parseTarget("udp://192.0.2.1:9"),
  };
  const byId = new Map(cases.map((c) => [c.id, c]));
  const why = (t: Transport) => {
    const u = unreachable.find((u) => u.target.transport === t);
    return u
      ? `The ${t.toUpperCase()} target ${u.target.url} was unreachable before the run: ${u.reason}`
      : `The roster gives no ${t.toUpperCase()} target: this case counts as not passed`;
  };
  let changed = false;
  const results = report.cases.map((r) => {
    const c = byId.get(r.id);
    if (r.outcome !== "skip" || !c) return r;
    if (r.message !== notApplicable(c, ran, profile) || notApplicable(c, full, profile) !== null) {
      return r;
    }
    const missing = (["tcp", "udp"] as const).filter((t) =>
      !ran[t] && (c.appliesTo.transport === t || c.appliesTo.transport === "any")
    );
    changed = true;
    return { ...r, outcome: "error" as const, message: missing.map(why).join("; ") };
  });
  if (!changed && unreachable.length === 0) return report;
  return { ...report, targets: targetList(given), cases: results, summary: summarize(results) };
}

/**
 * The batch's progress: on a terminal a live line (students graded / total, who is running and
 * how far, elapsed), otherwise one plain line per student graded.
 */
class BatchProgress {
  #total: number;
  #progress?: ProgressLine;
  #say: (line: string) => void;
  #running = new Map<string, { done: number; of: number }>();
  #finished = 0;
  #started = performance.now();
  #timer?: ReturnType<typeof setInterval>;

  constructor(total: number, progress: ProgressLine | undefined, say: (line: string) => void) {
    this.#total = total;
    this.#progress = progress;
    this.#say = say;
    if (progress) this.#timer = setInterval(() => this.#draw(), 250);
  }

  start(student: string, of: number): void {
    this.#running.set(student, { done: 0, of });
    this.#draw();
  }

  step(student: string, done: number): void {
    const r = this.#running.get(student);
    if (r) r.done = done;
  }

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

if (import.meta.main) Deno.exit(await grade(Deno.args));
