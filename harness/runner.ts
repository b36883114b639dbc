/**
 * The runner: runs cases against a run's targets with deadlines, hooks and concurrency, and gives the
 * result tree (`RunReport`) every reporter reads.
 *
 * @module
 */
import { pooledMap } from "@std/async/pool";
import { encodeHex } from "@std/encoding/hex";
import { raceDeadline } from "./_deadline.ts";
import type { Case, Params, Profile } from "./case.ts";
import { CaseRun, NO_PROGRAM, RunTally, type SoloProbe, soloProbe } from "./context.ts";
import { CaseError, type Evidence } from "./errors.ts";
import { describeBytes } from "./hexdump.ts";
import { isRequestReply } from "./profile.ts";
import type { ProgramUnderTest } from "./watched_program.ts";
import { clientNotApplicable } from "./client/contract.ts";
import type { ClientUnderTest } from "./client/types.ts";
import { type CaseResult, isProblem, type RunReport, summarize } from "./result.ts";
import { caseSeed } from "./rng.ts";
import { type Target, targetList, type Targets, type Transport } from "./target.ts";
import { ConnectFailed, TcpClient } from "./tcp_client.ts";
import { PASSED_KEEP, Transcript } from "./transcript.ts";
import { CaseDeadline, type Reachability, verdict } from "./verdict.ts";
import { schedule } from "./schedule.ts";
import { TOOL } from "./version.ts";
import { WAITS } from "./waits.ts";

/** How a run goes. */
export interface RunOptions {
  targets: Targets;
  profile: Profile;
  seed: number;
  /** Warns count as fails. */
  strict?: boolean;
  /** Default wait for a connect or for bytes, in milliseconds (default `WAITS.timeoutMs`). */
  timeoutMs?: number;
  /** Deadline for one case (default `WAITS.caseTimeoutMs`, or the case's own). */
  caseTimeoutMs?: number;
  /** Deadline for the whole run (default none). */
  runTimeoutMs?: number;
  /**
   * Cases run at once against each target (default 4): TCP cases and UDP cases have a pool each,
   * since they load different sockets; cases marked `alone` or `exclusive` always run alone.
   */
  concurrency?: number;
  params?: Params;
  /** Builds the command that reruns one case. */
  reproduce?: (id: string) => string;
  /** Called as each case ends, for progress lines. */
  onResult?: (result: CaseResult, done: number, total: number) => void;
  /** Called as each case starts. */
  onStart?: (c: Case) => void;
  /** Runs each case this many times (default 1); a case whose outcomes differ ends `flaky`. */
  repeat?: number;
  /** The program under test, when sockspec launched it; cases that need it get it. */
  program?: ProgramUnderTest;
  /** The client under test (`--client`), for client cases; they need no target. */
  client?: ClientUnderTest;
  /**
   * Called before each case that applies starts. It may hold the case (while a program that died
   * starts again), give it other targets (the program restarted on fresh ports), or end it unrun:
   * `notRun` becomes its `error` message.
   */
  beforeCase?: (c: Case) => Promise<{ targets?: Targets; notRun?: string } | undefined>;
  /** Called as each case ends, before it is reported; returns its result, possibly changed. */
  afterCase?: (c: Case, result: CaseResult) => Promise<CaseResult>;
  /** Called once, before any case, with what the TCP target did with the run's first connect. */
  onFirstLook?: (tcp: Reachability | undefined) => void;
  /**
   * For a subject that restarts its target after a death (`--exec`): whether the target has died
   * in this run. A target that died and came back was not unresponsive, so the runner does not
   * read "asked and nothing answered" as "nothing left to take down" and keeps the one-culprit
   * order (a death is then blamed on the case that ran alone).
   */
  targetDied?: () => boolean;
}

/**
 * Why a run with `options` skips `c`, or null when it runs: its client, then its targets, profile
 * and program. One rule for the run's first look at the target and for each case.
 */
function whyNotRun(c: Case, options: RunOptions): string | null {
  return clientNotApplicable(c.appliesTo, options.profile, options.client) ??
    notApplicable(c, options.targets, options.profile, options.program);
}

/**
 * Says why a case does not apply to these targets and profile, or null when it does.
 *
 * @example
 * ```ts
 * import { notApplicable } from "./runner.ts";
 * import { makeTarget } from "./target.ts";
 * import type { Case } from "./case.ts";
 * const udpCase = { id: "udp.x", appliesTo: { transport: "udp" } } as Case;
 * const echo = { name: "echo", description: "", transports: ["tcp", "udp"], framing: { kind: "stream" } } as const;
 * notApplicable(udpCase, { tcp: makeTarget("tcp", "127.0.0.1", 7) }, echo); // "No UDP target given"
 * ```
 */
export function notApplicable(
  c: Case,
  targets: Targets,
  profile: Profile,
  program?: ProgramUnderTest | boolean,
): string | null {
  const a = c.appliesTo;
  if (a.program && !program) return NO_PROGRAM;
  if (a.client) {
    // A client case needs no target; `clientNotApplicable()` checks the client and its transport.
  } else if (a.transport === "any") {
    if (!targets.tcp && !targets.udp) return "No target given";
  } else {
    if (!targets[a.transport]) return `No ${a.transport.toUpperCase()} target given`;
    if (!profile.transports.includes(a.transport)) {
      return `Profile "${profile.name}" does not use ${a.transport.toUpperCase()}`;
    }
  }
  const needs = a.targets;
  if (
    needs &&
    (["tcp", "udp"] as const).some((k) =>
      needs[k] !== undefined && needs[k] !== (targets[k] !== undefined)
    )
  ) {
    return needs.reason;
  }
  if (a.profiles && !a.profiles.includes(profile.name)) {
    return `Only for the ${a.profiles.join(", ")} profile${a.profiles.length > 1 ? "s" : ""}`;
  }
  const ruledOut = Object.entries(profile.ruledOut ?? {}).find(([k]) =>
    c.id === k || c.id.startsWith(`${k}.`)
  );
  if (ruledOut) return ruledOut[1];
  if (a.requestReply && !isRequestReply(profile)) {
    return `Profile "${profile.name}" has no request/reply to check`;
  }
  if (a.framing && !a.framing.includes(profile.framing.kind)) {
    return `Needs ${a.framing.join(" or ")} framing; "${profile.name}" has ${profile.framing.kind}`;
  }
  return null;
}

/**
 * Runs `cases` against the targets and returns the result tree, in the steps of `schedule()`:
 * shared cases run concurrently (bounded), the others alone, in listing order; each has a
 * deadline, and a hostile target costs one case, never the run.
 *
 * @example
 * ```ts
 * import { makeTarget } from "./target.ts";
 * import { runCases } from "./runner.ts";
 * const report = await runCases([{
 *   id: "demo.pass",
 *   title: "Passes",
 *   requirement: "Nothing",
 *   appliesTo: { transport: "any" },
 *   run: async () => {},
 * }], {
 *   targets: { tcp: makeTarget("tcp", "127.0.0.1", 9) },
 *   profile: { name: "echo", description: "", transports: ["tcp"], framing: { kind: "stream" } },
 *   seed: 1,
 * });
 * console.log(report.summary.pass); // 1
 * ```
 */
export async function runCases(cases: readonly Case[], options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const runStop = new AbortController();
  const runTimer = options.runTimeoutMs
    ? setTimeout(() => runStop.abort(new Error("run deadline")), options.runTimeoutMs)
    : undefined;
  const results = new Array<CaseResult>(cases.length);
  let done = 0;
  let problems = 0;
  const finish = (i: number, r: CaseResult) => {
    results[i] = r;
    if (isProblem(r)) problems++;
    options.onResult?.(r, ++done, cases.length);
  };
  const indexed = cases.map((c, i) => ({ c, i }));
  const run: RunShared = {
    tcpAtStart: indexed.some(({ c }) => whyNotRun(c, options) === null)
      ? await reachability(options.targets.tcp, options.timeoutMs ?? WAITS.timeoutMs)
      : undefined,
    tally: new RunTally(),
  };
  run.solo = sharedSoloProbe(options, run);
  options.onFirstLook?.(run.tcpAtStart);
  const runOne = async ({ c, i }: { c: Case; i: number }) => {
    const reason = whyNotRun(c, options);
    if (reason) return finish(i, skipped(c, reason, options));
    if (runStop.signal.aborted) {
      return finish(
        i,
        outcome(c, options, "error", "The run's deadline passed before this case started"),
      );
    }
    const gate = await options.beforeCase?.(c);
    if (gate?.notRun !== undefined) return finish(i, outcome(c, options, "error", gate.notRun));
    options.onStart?.(c);
    const given = gate?.targets ? { ...options, targets: gate.targets } : options;
    const r = await runRepeated(c, given, runStop.signal, run);
    finish(i, options.afterCase ? await options.afterCase(c, r) : r);
  };
  try {
    // In the order of `schedule()`: whatever can take a server down runs alone, so a death is
    // blamed on one case. The shared step has one pool per transport: a TCP case waiting on a
    // silent TCP server does not hold up a UDP case, whose socket it does not share. Cases on
    // both (`any`) go with the UDP pool. The load cases come last: by then the run's tally says
    // whether the target answers a single client at all (see `CaseContext.beforeLoad`).
    const sideBySide = async (items: typeof indexed, concurrency = options.concurrency ?? 4) => {
      const pools = [
        items.filter(({ c }) => c.appliesTo.transport === "tcp"),
        items.filter(({ c }) => c.appliesTo.transport !== "tcp"),
      ];
      await Promise.all(pools.map(async (pool) => {
        for await (const _ of pooledMap(concurrency, pool, runOne)) { /* drained */ }
      }));
    };
    const steps = schedule(indexed);
    for (const [s, step] of steps.entries()) {
      // A target that was asked and has answered no request right in this run has nothing left
      // that a case could take from it: every case still to come (past the measure step) fails,
      // or ends not run, alike side by side, and one or a few at a time each would cost its own
      // time-out. The load cases among them stop before loading (`CaseContext.beforeLoad`).
      if (step.name !== "measure" && askedUnanswered(run.tally!, options.targetDied)) {
        await sideBySide(steps.slice(s).flatMap((x) => x.items), UNANSWERED_CONCURRENCY);
        break;
      }
      if (step.together) {
        await sideBySide(step.items);
        continue;
      }
      // Asked and unanswered within the step: everything still to come, as above. A case that
      // failed before any request was asked (a connect, say): the rest of a first or hazard step
      // goes side by side, as the step would have nothing left to lose.
      const mayShare = step.name === "first" || step.name === "hazard";
      const k = await oneAtATime(
        step.items,
        runOne,
        () => mayShare && answeredNothing(run.tally!, problems),
      );
      if (k === step.items.length) continue;
      if (askedUnanswered(run.tally!, options.targetDied)) {
        const rest = [...step.items.slice(k), ...steps.slice(s + 1).flatMap((x) => x.items)];
        await sideBySide(rest, UNANSWERED_CONCURRENCY);
        break;
      }
      await sideBySide(step.items.slice(k));
    }
  } finally {
    clearTimeout(runTimer);
  }
  return {
    tool: { ...TOOL },
    targets: targetList(options.targets),
    profile: options.profile.name,
    seed: options.seed,
    strict: options.strict ?? false,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    summary: summarize(results),
    cases: results,
    ...(options.client ? { client: options.client.command } : {}),
  };
}

/**
 * Cases run at once per transport once the target has answered nothing right although asked:
 * they mostly wait out a time-out each, and they need no CPU to wait.
 */
const UNANSWERED_CONCURRENCY = 16;

/**
 * Runs `items` one after another until `stop()` says to; returns how many ran.
 */
async function oneAtATime<T>(
  items: readonly T[],
  runOne: (item: T) => Promise<void>,
  stop: () => boolean,
): Promise<number> {
  for (const [k, item] of items.entries()) {
    if (stop()) return k;
    await runOne(item);
  }
  return items.length;
}

/**
 * What the cases of one run share: the TCP target's answer to the run's first connect, the tally
 * of requests tried and answered, and the single-client probe the load cases fall back on.
 */
export interface RunShared {
  tcpAtStart?: Reachability;
  tally?: RunTally;
  solo?: SoloProbe;
}

/**
 * Connects once to `target` and closes at once: what the TCP target does with the run's first
 * connect, before any case. The runner's rule (`verdict()`) reads it: a later refusal or
 * unanswered connect is the target's failure when this one was accepted, and an untestable target
 * when it was not.
 */
async function reachability(
  target: Target | undefined,
  timeoutMs: number,
): Promise<Reachability | undefined> {
  if (!target) return undefined;
  try {
    const c = await TcpClient.connect(target, {
      label: "reach",
      transcript: new Transcript(),
      timeoutMs,
    });
    await c.close();
    return "accepted";
  } catch (e) {
    if (!(e instanceof ConnectFailed)) return "unreachable";
    return e.reason === "refused" || e.reason === "timeout"
      ? e.reason
      : e.reason === "reset"
      ? "accepted"
      : "unreachable";
  }
}

/** The run's single-client probe: run once per transport, in a context of its own. */
function sharedSoloProbe(options: RunOptions, run: RunShared): SoloProbe {
  const answers = new Map<Transport, Promise<string | null>>();
  return (transport) => {
    let answer = answers.get(transport);
    if (!answer) {
      answer = (async () => {
        const signal = AbortSignal.timeout(options.caseTimeoutMs ?? WAITS.caseTimeoutMs);
        const t = new CaseRun({
          id: "run.solo",
          profile: options.profile,
          targets: options.targets,
          seed: caseSeed(options.seed, `run.solo.${transport}`),
          timeoutMs: options.timeoutMs ?? WAITS.timeoutMs,
          strict: false,
          params: options.params ?? {},
          signal,
          transport,
        });
        try {
          return await soloProbe(t, transport);
        } catch (e) {
          const v = verdict(e, { tcpAtStart: run.tcpAtStart });
          return v.outcome === "fail" ? v.message : null; // could not probe: let the case find out
        } finally {
          await t.dispose();
        }
      })();
      answers.set(transport, answer);
    }
    return answer;
  };
}

/**
 * Runs one case to its outcome, within its deadline, and closes everything it opened. The outcome
 * is the one rule's (`verdict()`): who caused how the case ended decides `fail` or `error`.
 */
export async function runCase(
  c: Case,
  options: RunOptions,
  runSignal?: AbortSignal,
  run?: RunShared,
): Promise<CaseResult> {
  const limit = c.timeoutMs ?? options.caseTimeoutMs ?? WAITS.caseTimeoutMs;
  const timeoutMs = options.timeoutMs ?? WAITS.timeoutMs;
  // Alone (not part of a run): the case's own first look at the target stands for the run's.
  const tcpAtStart = run
    ? run.tcpAtStart
    : whyNotRun(c, options) === null
    ? await reachability(options.targets.tcp, timeoutMs)
    : undefined;
  const stop = new AbortController();
  let waitingOn: string[] = [];
  const timer = setTimeout(() => {
    waitingOn = t.waits.describe();
    stop.abort(new CaseDeadline(limit));
  }, limit);
  const onRunAbort = () => stop.abort(new CaseError("The run's deadline passed during this case"));
  runSignal?.addEventListener("abort", onRunAbort, { once: true });
  const t = new CaseRun({
    id: c.id,
    profile: options.profile,
    targets: options.targets,
    seed: caseSeed(options.seed, c.id),
    timeoutMs,
    strict: options.strict ?? false,
    params: options.params ?? {},
    signal: stop.signal,
    transport: c.appliesTo.transport,
    hooks: c.hooks,
    solo: run?.solo,
    tally: run?.tally,
    tcpAtStart,
    program: options.program,
    client: options.client,
  });
  const started = performance.now();
  let thrown: unknown = null;
  const running = (async () => await c.run(t))();
  running.catch(() => {});
  try {
    const aborted = new Promise<never>((_, reject) => {
      stop.signal.addEventListener("abort", () => reject(stop.signal.reason), { once: true });
    });
    aborted.catch(() => {});
    await Promise.race([running, aborted]);
  } catch (e) {
    thrown = e;
  } finally {
    clearTimeout(timer);
    runSignal?.removeEventListener("abort", onRunAbort);
    if (!stop.signal.aborted) stop.abort(new Error("case ended"));
    await t.dispose();
    // An abandoned case sees its sockets closed and its sleeps aborted; let it unwind.
    await raceDeadline(running.catch(() => {}), WAITS.unwindMs);
  }
  const v = verdict(thrown, {
    tcpAtStart,
    waitingOn,
    warnings: t.warnings,
    strict: options.strict,
    infos: t.infos,
  });
  const result = outcome(c, options, v.outcome, v.message);
  result.durationMs = Math.round(performance.now() - started);
  // A passed, skipped or informational case keeps the ends of its record (it is evidence of no
  // problem); any other keeps all there is.
  const lean = result.outcome === "pass" || result.outcome === "skip" || result.outcome === "info";
  result.transcript = t.transcript.finish(lean ? PASSED_KEEP : undefined);
  if (Object.keys(t.data).length > 0) result.data = { ...t.data };
  if (v.evidence) Object.assign(result, evidenceFields(v.evidence));
  await c.hooks?.finished?.(result, {
    targets: options.targets,
    profile: options.profile,
    transport: c.appliesTo.transport,
  });
  return result;
}

/** How bad an outcome is, for picking which of several runs a flaky case shows. */
const SEVERITY: Record<CaseResult["outcome"], number> = {
  fail: 6,
  error: 5,
  flaky: 4,
  warn: 3,
  skip: 2,
  info: 1,
  pass: 0,
};

/**
 * Runs a case `options.repeat` times (default once) with the same seed. When every run ends the
 * same way, the first run is the result, with `repeats` listing the outcomes; when they differ the
 * case is `flaky` (never a pass) and shows its worst run's evidence.
 *
 * @example
 * ```ts
 * import { runRepeated } from "./runner.ts";
 * import { makeTarget } from "./target.ts";
 * let calls = 0;
 * const r = await runRepeated({
 *   id: "demo.flaky",
 *   title: "Fails every other run",
 *   requirement: "Nothing",
 *   appliesTo: { transport: "any" },
 *   run: async (t) => {
 *     if (calls++ % 2) t.fail("odd run");
 *   },
 * }, {
 *   targets: { tcp: makeTarget("tcp", "127.0.0.1", 9) },
 *   profile: { name: "echo", description: "", transports: ["tcp"], framing: { kind: "stream" } },
 *   seed: 1,
 *   repeat: 4,
 * });
 * console.log(r.outcome, r.repeats); // "flaky" ["pass", "fail", "pass", "fail"]
 * ```
 */
export async function runRepeated(
  c: Case,
  options: RunOptions,
  runSignal?: AbortSignal,
  run?: RunShared,
): Promise<CaseResult> {
  const n = Math.max(1, options.repeat ?? 1);
  const runs = [await runCase(c, options, runSignal, run)];
  while (runs.length < n && !runSignal?.aborted) {
    runs.push(await runCase(c, options, runSignal, run));
  }
  if (n === 1) return runs[0];
  const repeats = runs.map((r) => r.outcome);
  const durationMs = runs.reduce((sum, r) => sum + r.durationMs, 0);
  if (repeats.every((o) => o === repeats[0])) return { ...runs[0], durationMs, repeats };
  const worst = runs.reduce((a, b) => SEVERITY[b.outcome] > SEVERITY[a.outcome] ? b : a);
  const which = runs.indexOf(worst) + 1;
  return {
    ...worst,
    outcome: "flaky",
    message: `Outcomes differed across ${runs.length} runs (${repeats.join(", ")}); run ${which}: ${
      worst.message || worst.outcome
    }`,
    durationMs,
    repeats,
  };
}

function outcome(
  c: Case,
  options: RunOptions,
  o: CaseResult["outcome"],
  message: string,
): CaseResult {
  return {
    id: c.id,
    title: c.title,
    requirement: c.requirement,
    outcome: o,
    message,
    durationMs: 0,
    transcript: [],
    reproduce: options.reproduce?.(c.id) ?? "",
  };
}

function skipped(c: Case, reason: string, options: RunOptions): CaseResult {
  return outcome(c, options, "skip", reason);
}

function evidenceFields(e: Evidence): Partial<CaseResult> {
  const out: Partial<CaseResult> = {};
  if (e.expected !== undefined) {
    out.expected = typeof e.expected === "string" ? e.expected : describeBytes(e.expected);
    if (typeof e.expected !== "string") out.expectedHex = encodeHex(e.expected.subarray(0, 4096));
  }
  if (e.actual !== undefined) {
    out.actual = typeof e.actual === "string" ? e.actual : describeBytes(e.actual);
    if (typeof e.actual !== "string") out.actualHex = encodeHex(e.actual.subarray(0, 4096));
  }
  return out;
}

/** Whether requests were tried in this run and not one was answered right, on any transport. */
function askedUnanswered(tally: RunTally, died?: () => boolean): boolean {
  return tally.tried.tcp + tally.tried.udp > 0 && tally.answered.tcp + tally.answered.udp === 0 &&
    !(died?.() ?? false);
}

/**
 * Whether the target never answered right in this run although it was asked (a request tried, or
 * a case that failed, e.g. at a connect that timed out), on any transport.
 */
function answeredNothing(tally: RunTally, problems: number): boolean {
  const tried = tally.tried.tcp + tally.tried.udp;
  return (tried > 0 || problems > 0) && tally.answered.tcp + tally.answered.udp === 0;
}
