/**
 * One step of `grade`: grading one student of a roster. Checks that their targets answer, runs
 * the cases, writes their reports and scores them into a gradebook row; the reference run of
 * each profile and the loaded profiles are shared by the batch ({@linkcode BatchCache}).
 *
 * @module
 */
import { emptyRow, scoreRow } from "./row.ts";
import { serve } from "../../fixtures/references/serve.ts";
import type { GradebookRow, RenderOptions } from "../../reports/mod.ts";
import type { Rubric } from "../../reports/rubric.ts";
import {
  type Case,
  clientNotApplicable,
  errorText,
  isRequestReply,
  makeRng,
  notApplicable,
  parseTarget,
  probeUdp,
  type Profile,
  runCases,
  type RunReport,
  sampleRequest,
  summarize,
  type Target,
  targetList,
  type Targets,
  TcpClient,
  Transcript,
  type Transport,
} from "../mod.ts";
import { join, runWithLiveReports, studentReports, writeReports } from "../subject/output.ts";
import { loadProfile } from "../subject/profiles.ts";
import { gradeProgram } from "./program.ts";
import { CLIENT_CASE_IDS, withClient } from "../subject/client/client.ts";
import type { RosterEntry } from "./roster.ts";
import { reproduceCommand, type RunFlags, runOptions } from "../subject/run_flags.ts";

/** What the students of a batch share: loaded profiles, and what each reference is graded on. */
export interface BatchCache {
  profiles: Map<string, Promise<Profile>>;
  references: Map<string, Promise<ReadonlySet<string> | undefined>>;
}

/** What every student of a batch is graded with. */
export interface Batch {
  /** The cases each student runs. */
  cases: readonly Case[];
  /** The run flags of the batch. */
  flags: RunFlags;
  /** The output directory; each student gets a folder in it. */
  out: string;
  rubric: Rubric;
  cache: BatchCache;
  /** Prints a line about a problem that does not stop the grading. */
  warn: (line: string) => void;
}

/**
 * The profile `spec` names, loaded once per batch.
 *
 * @example
 * ```ts
 * import { profileOf } from "./student.ts";
 * const cache = { profiles: new Map(), references: new Map() };
 * (await profileOf(cache, "echo")).name; // "echo"
 * ```
 */
export function profileOf(cache: BatchCache, spec: string): Promise<Profile> {
  let found = cache.profiles.get(spec);
  if (!found) {
    found = loadProfile(spec);
    cache.profiles.set(spec, found);
  }
  return found;
}

/**
 * The cases a profile's reference server does not skip, run once per batch with the batch's
 * settings: every student of that profile is graded on exactly these, so all of them have the
 * same maximum. Undefined for a profile without a reference (then each student is graded on the
 * cases their own run did not skip).
 */
function referenceCases(
  batch: Batch,
  profile: Profile,
): Promise<ReadonlySet<string> | undefined> {
  const references = batch.cache.references;
  let found = references.get(profile.name);
  if (!found) {
    found = (async () => {
      if (!profile.reference) return undefined;
      await using served = serve(profile.reference);
      // Once is enough: which cases the reference skips does not change with --repeat.
      const options = { ...runOptions(batch.flags), repeat: 1 };
      const report = await runCases(batch.cases, { ...options, targets: served.targets, profile });
      // Client cases have no reference server: those that apply to the profile are graded.
      const clientCases = batch.cases.filter((c) =>
        CLIENT_CASE_IDS.has(c.id) &&
        (clientNotApplicable(c.appliesTo, profile, { command: "{port}" }) ??
            notApplicable(c, {}, profile)) === null
      );
      return new Set([
        ...report.cases.filter((c) => c.outcome !== "skip").map((c) => c.id),
        ...clientCases.map((c) => c.id),
      ]);
    })().catch(() => undefined);
    references.set(profile.name, found);
  }
  return found;
}

/**
 * Grades one student: checks that each target answers, runs the cases, writes the student's
 * reports (`STUDENT_FILES`, Gradescope's kept up to date as the run goes) and returns the
 * gradebook row. Never throws: a problem becomes the row's status.
 *
 * @param onStep Called as each case ends, with how many have.
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { serve } from "../../fixtures/references/serve.ts";
 * import { DEFAULT_RUBRIC } from "../../reports/rubric.ts";
 * import { ALL_CASES } from "../../suites/mod.ts";
 * import { selectCases } from "../mod.ts";
 * import { gradeStudent } from "./student.ts";
 * import { PROFILES } from "../subject/profiles.ts";
 * import { readRunFlags, RUN_FLAGS } from "../subject/run_flags.ts";
 *
 * await using served = serve(PROFILES.echo.reference!);
 * const out = await Deno.makeTempDir();
 * const row = await gradeStudent(
 *   { ok: true, line: 2, student: "ada", dir: "ada", targets: served.targets, profile: "echo" },
 *   {
 *     cases: selectCases(ALL_CASES, ["tcp.basic"], []),
 *     flags: readRunFlags(parseArgs(["--seed", "1"], RUN_FLAGS)),
 *     out,
 *     rubric: DEFAULT_RUBRIC,
 *     cache: { profiles: new Map(), references: new Map() },
 *     warn: console.error,
 *   },
 *   () => {},
 * );
 * console.log(row.status, `${row.total}/${row.max}`); // ok 6/6
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function gradeStudent(
  entry: RosterEntry,
  batch: Batch,
  onStep: (done: number) => void,
): Promise<GradebookRow> {
  const { cases, flags, rubric } = batch;
  const row = emptyRow(entry);
  try {
    let profile: Profile;
    try {
      profile = await profileOf(batch.cache, entry.profile);
    } catch (e) {
      row.status = errorText(e);
      return row;
    }
    const dir = join(batch.out, entry.dir);
    await Deno.mkdir(dir, { recursive: true });
    if (entry.exec) {
      const program = { ...entry, exec: entry.exec };
      const graded = referenceCases(batch, profile);
      return await gradeProgram(program, batch, profile, dir, graded, onStep);
    }
    const unreachable = await preflight(entry.targets, profile, flags.timeoutMs);
    const targets: Targets = { ...entry.targets };
    for (const u of unreachable) delete targets[u.target.transport];
    const reproduce = (id: string) =>
      CLIENT_CASE_IDS.has(id)
        ? withClient(reproduceCommand(flags, {}, entry.profile, id), entry.client)
        : reproduceCommand(flags, entry.targets, entry.profile, id);
    // The reference runs beside the student's cases; its answer is needed only for the scores.
    const render: RenderOptions = { rubric };
    const reference = referenceCases(batch, profile).then((set) => render.graded = set);
    const reports = studentReports(dir);
    const meta = {
      targets: entry.targets,
      profile: profile.name,
      seed: flags.seed,
      strict: flags.strict,
      reproduce,
    };
    const ran = await runWithLiveReports(
      cases,
      meta,
      { reports, render, warn: batch.warn },
      (onResult) =>
        runCases(cases, {
          ...runOptions(flags),
          targets,
          client: entry.client,
          profile,
          reproduce,
          onResult: (r, done) => {
            onResult(r);
            onStep(done);
          },
        }),
    );
    let report = ran.report;
    if (ran.stopped) row.status = `The run stopped part-way: ${errorText(ran.stopped)}`;
    report = markMissing(report, cases, profile, entry.targets, targets, unreachable);
    await reference;
    await writeReports(report, reports, { render, atomic: true });
    scoreRow(row, report, rubric, render.graded, entry.dir);
    if (unreachable.length > 0 && row.status === "ok") {
      row.status = unreachable.map((u) => `${u.target.url} unreachable: ${u.reason}`).join("; ");
    }
  } catch (e) {
    row.status = `Internal error while grading: ${errorText(e)}`;
  }
  return row;
}

/** A target that did not answer before the run. */
interface Unreachable {
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
function markMissing(
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
