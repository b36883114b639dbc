import { pooledMap } from "@std/async/pool";
import { encodeHex } from "@std/encoding/hex";
import { raceDeadline } from "./_deadline.ts";
import type { Case, Params, Profile } from "./case.ts";
import { CaseRun, NO_PROGRAM } from "./context.ts";
import { CaseError, CaseFailure, CaseSkip, errorText, type Evidence } from "./errors.ts";
import { describeBytes } from "./hexdump.ts";
import { isRequestReply } from "./profile.ts";
import type { ProgramUnderTest } from "./watched_program.ts";
import { clientNotApplicable } from "./client_contract.ts";
import type { ClientUnderTest } from "./client_program.ts";
import { type CaseResult, type RunReport, summarize } from "./result.ts";
import { caseSeed } from "./rng.ts";
import { targetList, type Targets } from "./target.ts";
import { TOOL } from "./version.ts";

/** How a run goes. */
export interface RunOptions {
  targets: Targets;
  profile: Profile;
  seed: number;
  /** Warns count as fails. */
  strict?: boolean;
  /** Default wait for a connect or for bytes, in milliseconds (default 2000). */
  timeoutMs?: number;
  /** Deadline for one case (default 30 000 ms, or the case's own). */
  caseTimeoutMs?: number;
  /** Deadline for the whole run (default none). */
  runTimeoutMs?: number;
  /** Cases run at once (default 4); exclusive cases always run alone. */
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
  if (a.profiles && !a.profiles.includes(profile.name)) {
    return `Only for the ${a.profiles.join(", ")} profile${a.profiles.length > 1 ? "s" : ""}`;
  }
  if (a.requestReply && !isRequestReply(profile)) {
    return `Profile "${profile.name}" has no request/reply to check`;
  }
  if (a.framing && !a.framing.includes(profile.framing.kind)) {
    return `Needs ${a.framing.join(" or ")} framing; "${profile.name}" has ${profile.framing.kind}`;
  }
  return null;
}

/**
 * Runs `cases` against the targets and returns the result tree. Cases that apply run concurrently
 * (bounded), exclusive ones alone afterwards; each has a deadline, and a hostile target costs one
 * case, never the run.
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
  const finish = (i: number, r: CaseResult) => {
    results[i] = r;
    options.onResult?.(r, ++done, cases.length);
  };
  const indexed = cases.map((c, i) => ({ c, i }));
  const runOne = async ({ c, i }: { c: Case; i: number }) => {
    const reason = clientNotApplicable(c.appliesTo, options.profile, options.client) ??
      notApplicable(c, options.targets, options.profile, options.program);
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
    const r = await runRepeated(c, given, runStop.signal);
    finish(i, options.afterCase ? await options.afterCase(c, r) : r);
  };
  try {
    const shared = indexed.filter(({ c }) => !c.exclusive);
    for await (const _ of pooledMap(options.concurrency ?? 4, shared, runOne)) { /* drained */ }
    for (const item of indexed.filter(({ c }) => c.exclusive)) await runOne(item);
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

/** Runs one case to its outcome, within its deadline, and closes everything it opened. */
export async function runCase(
  c: Case,
  options: RunOptions,
  runSignal?: AbortSignal,
): Promise<CaseResult> {
  const limit = c.timeoutMs ?? options.caseTimeoutMs ?? 30_000;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new CaseDeadline(limit)), limit);
  const onRunAbort = () => stop.abort(new CaseError("The run's deadline passed during this case"));
  runSignal?.addEventListener("abort", onRunAbort, { once: true });
  const t = new CaseRun({
    id: c.id,
    profile: options.profile,
    targets: options.targets,
    seed: caseSeed(options.seed, c.id),
    timeoutMs: options.timeoutMs ?? 2000,
    strict: options.strict ?? false,
    params: options.params ?? {},
    signal: stop.signal,
    transport: c.appliesTo.transport,
    hooks: c.hooks,
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
    await raceDeadline(running.catch(() => {}), 500);
  }
  const result = outcome(c, options, "pass", "");
  result.durationMs = Math.round(performance.now() - started);
  result.transcript = t.transcript.finish();
  if (Object.keys(t.data).length > 0) result.data = { ...t.data };
  if (thrown instanceof CaseFailure) {
    result.outcome = "fail";
    result.message = thrown.message;
    Object.assign(result, evidenceFields(thrown.evidence));
  } else if (thrown instanceof CaseSkip) {
    result.outcome = "skip";
    result.message = thrown.message;
  } else if (thrown instanceof CaseDeadline) {
    result.outcome = "error";
    result.message = thrown.message;
  } else if (thrown instanceof CaseError) {
    result.outcome = "error";
    result.message = thrown.message;
  } else if (thrown !== null) {
    result.outcome = "error";
    result.message = `Harness fault: ${errorText(thrown)}`;
  } else if (t.warnings.length > 0) {
    result.outcome = options.strict ? "fail" : "warn";
    result.message = t.warnings.join("; ") + (options.strict ? " (a fail under --strict)" : "");
  } else if (t.infos.length > 0) {
    result.outcome = "info";
    result.message = t.infos.join("; ");
  }
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
): Promise<CaseResult> {
  const n = Math.max(1, options.repeat ?? 1);
  const runs = [await runCase(c, options, runSignal)];
  while (runs.length < n && !runSignal?.aborted) runs.push(await runCase(c, options, runSignal));
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

/** The case's own deadline passed. */
class CaseDeadline extends Error {
  constructor(ms: number) {
    super(`The case did not finish within its ${ms} ms deadline; the target kept it waiting`);
    this.name = "CaseDeadline";
  }
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
