/**
 * The stability test of the multi-bug programs (`fixtures/multi_bugs.ts`): each server runs in
 * address mode three times with the same seed and once with `--exec`, each client three times,
 * and every run must hold: every real bug fails with its cause named, no correct behaviour fails,
 * a death is blamed on one case, and the three runs give the same verdicts. Each program has a
 * test file of its own, `multi_bug_<name>_test.ts`, and a long one's `--exec` run a second one,
 * `multi_bug_<name>_exec_test.ts`, so that `deno test --parallel` runs them side by side and no
 * one file is long (`multi_bug_files_test.ts` checks that none is missing).
 *
 * @module
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { findCompiler } from "../fixtures/c/compile.ts";
import { MULTI_BUG_PROGRAMS, type MultiBugProgram, multiCommand } from "../fixtures/multi_bugs.ts";
import {
  type CaseResult,
  makeTarget,
  runCases,
  type RunReport,
  selectCases,
  spawnGuarded,
} from "../harness/mod.ts";
import { freePort } from "../harness/program/free_port.ts";
import { openExec } from "../harness/subject/program/session.ts";
import { readLimits } from "../harness/subject/program/spec.ts";
import { PROFILES } from "../harness/subject/profiles.ts";
import { TargetWatch } from "../harness/subject/target/watch.ts";
import { canReadProc } from "../harness/program/mod.ts";
import { CLIENT_CASES } from "./client/mod.ts";
import { ALL_CASES } from "./mod.ts";
import { selfTest } from "./_self_check.ts";

const canRun = findCompiler() !== null && canReadProc();
const SEED = 7;

function casesOf(p: MultiBugProgram) {
  const all = p.kind === "client" ? CLIENT_CASES : ALL_CASES;
  return selectCases(all, [...p.only], [...(p.skip ?? [])]);
}

/** Waits until something is bound to `port` (from /proc/net): a probe connect could kill it. */
async function bound(transport: "tcp" | "udp", port: number): Promise<void> {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (let i = 0; i < 250; i++) {
    const rows = Deno.readTextFileSync(`/proc/net/${transport}`).split("\n").slice(1);
    const fields = rows.map((r) => r.trim().split(/\s+/));
    if (fields.some((f) => f[1]?.endsWith(`:${hex}`) && (transport === "udp" || f[3] === "0A"))) {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Nothing bound ${transport.toUpperCase()} ${port} within 5 s`);
}

/** Starts the server itself and runs the cases against its address, as `conform --target` does. */
async function addressRun(p: MultiBugProgram, command: string): Promise<RunReport> {
  const port = freePort(p.transport);
  const [binary] = command.split(" ");
  // Guarded: a test run killed with SIGKILL does not leave the server running.
  const server = spawnGuarded(binary, {
    args: [String(port)],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  try {
    await bound(p.transport, port);
    const target = makeTarget(p.transport, "127.0.0.1", port);
    const targets = p.transport === "tcp" ? { tcp: target } : { udp: target };
    const watch = new TargetWatch(targets.tcp, 2000, targets.udp);
    return await runCases(casesOf(p), {
      targets,
      profile: PROFILES[p.profile],
      seed: SEED,
      params: p.params,
      ...watch.hooks(),
    });
  } finally {
    await server.stop();
  }
}

/** Launches the server with `--exec` and runs the cases. */
async function execRun(p: MultiBugProgram, command: string): Promise<RunReport> {
  const profile = PROFILES[p.profile];
  const opened = await openExec({
    command,
    buildTimeoutMs: 60_000,
    readyTimeoutMs: 10_000,
    limits: readLimits([]),
    restart: "on-crash",
    host: "127.0.0.1",
  }, profile);
  if (!opened.ok) throw new Error(`${command} did not start: ${opened.message}`);
  let report: RunReport;
  try {
    report = await runCases(
      casesOf(p),
      opened.runOptions({ targets: {}, profile, seed: SEED, params: p.params }),
    );
  } finally {
    report = { ...report!, program: await opened.close() };
  }
  return report;
}

/** Runs a client program with `--client`. */
function clientRun(p: MultiBugProgram, command: string): Promise<RunReport> {
  return runCases(casesOf(p), {
    targets: {},
    profile: PROFILES[p.profile],
    seed: SEED,
    concurrency: 4,
    client: { command, transport: p.transport },
    params: p.params,
  });
}

const line = (r: CaseResult) => `${r.id}: ${r.outcome}: ${r.message}`;

/** What a case's transcript says apart from the bytes: for a verdict that differs, the evidence. */
const events = (r: CaseResult) =>
  r.transcript.filter((e) => e.detail !== undefined)
    .map((e) => `  ${Math.round(e.t)} ms ${e.conn} ${e.kind}: ${e.detail}`).join("\n");

/** Checks one run: bugs named, no false fail, one culprit per death. */
function judge(p: MultiBugProgram, report: RunReport, mode: "address" | "exec" | "client"): void {
  const byId = new Map(report.cases.map((r) => [r.id, r]));
  for (const bug of p.bugs) {
    const want = mode === "address" ? bug.address : mode === "exec" ? bug.exec : undefined;
    if (want === null) continue;
    const r = byId.get(bug.id);
    if (!r) throw new Error(`${p.name} (${mode}): ${bug.id} did not run`);
    assertEquals(r.outcome, "fail", `${p.name} (${mode}): ${line(r)}\n${events(r)}`);
    assertMatch(r.message, want ?? bug.names, `${p.name} (${mode}): ${bug.id} names its cause`);
  }
  const bugIds = new Set(p.bugs.map((b) => b.id));
  const died = (r: CaseResult) =>
    mode === "exec" && p.dies !== undefined && p.dies.test(r.message) &&
    r.message.startsWith("The program under test");
  const falseFails = report.cases.filter((r) =>
    (r.outcome === "fail" || r.outcome === "flaky") && !bugIds.has(r.id) && !died(r)
  );
  assertEquals(falseFails.map(line), [], `${p.name} (${mode}): no correct behaviour fails`);
  if (mode === "address") {
    const blamed = report.cases.filter((r) => /^The target stopped accepting/.test(r.message));
    assertEquals(blamed.map((r) => r.id), p.culprit ? [p.culprit] : [], `${p.name}: one culprit`);
    const notRun = report.cases.filter((r) => r.outcome === "error");
    assert(notRun.every((r) => r.message.startsWith("Not run: ")), notRun.map(line).join("\n"));
  }
  if (mode === "address") {
    // Cases that failed beside the culprit are skips that name it.
    const beside = report.cases.filter((r) => r.message.startsWith("Not judged: "));
    for (const r of beside) {
      assertMatch(r.message, new RegExp(`blamed on ${p.culprit}`), `${p.name}: ${line(r)}`);
    }
  }
  if (mode === "exec") {
    // One culprit per death: every case a death is pinned on is that death's cause.
    const deaths = report.program?.deaths ?? [];
    const causes = deaths.map((d) => d.cause);
    const pinned = report.cases.filter((r) => r.message.startsWith("The program under test"));
    for (const r of pinned) {
      assert(causes.includes(r.id), `${p.name}: ${r.id} is blamed for a death it did not cause`);
    }
    for (const death of deaths) {
      assert(death.cause !== undefined || death.inFlight.length === 0, death.attribution);
    }
    assertEquals(new Set(causes).size, causes.length, `${p.name}: one death per culprit`);
  }
}

/**
 * Which runs a test file takes: `all` of them, the three address (or client) runs only, or the
 * `--exec` run only (a long program's two halves go in two files, run side by side).
 */
export type MultiBugPart = "all" | "address" | "exec";

/** Registers the stability test of each multi-bug program named (or `part` of it). */
export function multiBugTests(names: readonly string[], part: MultiBugPart = "all"): void {
  for (const name of names) {
    const p = MULTI_BUG_PROGRAMS.find((p) => p.name === name);
    if (!p) throw new Error(`No multi-bug program "${name}"`);
    if (part === "exec" && p.kind !== "server") throw new Error(`${name} has no --exec run`);
    if (part !== "exec") {
      selfTest({
        name: `multi-bug ${p.kind} ${p.name}: every bug named, no false fail, the same verdicts ` +
          `three times${part === "all" && p.kind === "server" ? ", and with --exec" : ""}`,
        ignore: !canRun,
        async fn() {
          const command = await multiCommand(p);
          const mode = p.kind === "client" ? "client" : "address";
          const runs: RunReport[] = [];
          for (let i = 0; i < 3; i++) {
            runs.push(
              mode === "client" ? await clientRun(p, command) : await addressRun(p, command),
            );
            judge(p, runs[i], mode);
          }
          const verdicts = runs.map((r) => r.cases.map((c) => `${c.id}: ${c.outcome}`));
          assertEquals(verdicts[1], verdicts[0], `${p.name}: run 2 gives run 1's verdicts`);
          assertEquals(verdicts[2], verdicts[0], `${p.name}: run 3 gives run 1's verdicts`);
          if (part === "all" && p.kind === "server") {
            judge(p, await execRun(p, command), "exec");
          }
        },
      });
    }
    if (part === "exec") {
      selfTest({
        name: `multi-bug server ${p.name} with --exec: every bug named, no false fail, one ` +
          "culprit per death",
        ignore: !canRun,
        async fn() {
          judge(p, await execRun(p, await multiCommand(p)), "exec");
        },
      });
    }
  }
}
