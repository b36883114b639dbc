/**
 * The case↔mutant matrix for programs sockspec launches itself (`--exec`): every correct program
 * run as a command passes every case that applies (the `process.*` cases included), and every
 * program-under-test mutant fails each case it exists for, the signal it dies of named, with no
 * process of it left behind. `matrix_test.ts` counts these mutants too when it checks that every
 * case is failed by one.
 *
 * @module
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { findCompiler } from "../fixtures/c/compile.ts";
import { EXEC_MUTANTS, EXEC_REFERENCES } from "../fixtures/exec_mutants.ts";
import { type Case, runCases, type RunReport } from "../harness/mod.ts";
import { openExec } from "../harness/subject/program/session.ts";
import { type ExecSpec, readLimits } from "../harness/subject/program/spec.ts";
import { PROFILES } from "../harness/subject/profiles.ts";
import { canReadProc } from "../harness/program/mod.ts";
import { liveWithMark, MARK, newMark } from "../harness/program/_test_utils.ts";
import { ALL_CASES } from "./mod.ts";
import { selfTest } from "./_self_check.ts";
import { MATRIX_PARAMS } from "./_test_utils.ts";

const canRun = findCompiler() !== null && canReadProc();

/**
 * Words a mutant's failure of a case must contain, by mutant and case: the bug, named. One run
 * proves both that the case fails the mutant and that its message says why.
 */
const SAYS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  "exec-fd-leak": { "process.fd-leak": ["about one per connection is never closed"] },
  "exec-zombies": { "process.children": ["zombie children", "waitpid(-1, NULL, WNOHANG)"] },
  "exec-children-linger": { "process.children": ["still run", "a child must exit"] },
  "exec-mem-leak": {
    "process.memory": ["(about 64 KiB per request)", "memory is leaked per request"],
  },
  "exec-conn-leak": {
    "process.memory": ["(about 64 KiB per connection)", "memory is leaked per connection"],
  },
  "exec-no-reuseaddr": {
    "process.restart": [
      'its stderr ends "bind: Address already in use"',
      "Without SO_REUSEADDR, bind() fails while the old connections",
    ],
  },
  "exec-spin-after-close": {
    "process.idle-cpu": [
      "every connection that ended left something spinning",
      "A recv() that returns 0 means the client closed",
    ],
  },
  "exec-select-zero-timeout": { "process.idle-cpu": ["a busy loop"] },
};

/** Launches `command`, runs `cases` against it, kills it; checks that nothing of it is left. */
async function runExec(
  command: string,
  profileName: string,
  cases: readonly Case[],
  options: { strict?: boolean; limits?: readonly string[]; timeoutMs?: number } = {},
): Promise<RunReport> {
  const profile = PROFILES[profileName];
  const mark = newMark();
  const spec: ExecSpec = {
    command,
    buildTimeoutMs: 60_000,
    readyTimeoutMs: 10_000,
    limits: readLimits(options.limits ?? []),
    restart: "on-crash",
    host: "127.0.0.1",
  };
  const opened = await openExec(spec, profile, { env: { [MARK]: mark } });
  if (!opened.ok) throw new Error(`${command} did not start: ${opened.message}`);
  let report: RunReport;
  try {
    report = await runCases(
      cases,
      opened.runOptions({
        targets: {},
        profile,
        seed: 1,
        strict: options.strict,
        timeoutMs: options.timeoutMs ?? 1000,
        params: MATRIX_PARAMS,
      }),
    );
  } finally {
    report = { ...report!, program: await opened.close() };
  }
  assertEquals(liveWithMark(mark), [], `no process of ${command} is left`);
  return report;
}

for (const reference of EXEC_REFERENCES) {
  selfTest({
    name: `${reference.name}, run as a command, passes every case that applies`,
    ignore: !canRun,
    async fn() {
      // A correct program gets the default --timeout: a verdict on it must not hang on the
      // margin a busy CI machine leaves (mutants keep the short one, to fail fast).
      const report = await runExec(await reference.command(), reference.profile, ALL_CASES, {
        timeoutMs: 2000,
      });
      const bad = report.cases.filter((c) => !["pass", "skip", "info"].includes(c.outcome));
      assertEquals(bad.map((c) => `${c.id}: ${c.outcome}: ${c.message}`), []);
      const processCases = report.cases.filter((c) => c.id.startsWith("process."));
      assert(processCases.length > 0, "the process cases ran");
      assertEquals(
        processCases.filter((c) => c.outcome !== "pass").map((c) =>
          `${c.id}: ${c.outcome}: ${c.message}`
        ),
        [],
      );
      assertEquals(report.program?.deaths, []);
    },
  });
}

for (const mutant of EXEC_MUTANTS) {
  selfTest({
    name: `program ${mutant.name} fails ${mutant.catches.join(", ")}`,
    ignore: !canRun,
    async fn(t) {
      const cases = ALL_CASES.filter((c) => mutant.catches.includes(c.id));
      assertEquals(cases.map((c) => c.id).sort(), [...mutant.catches].sort(), "the cases exist");
      const command = await mutant.command();
      // A fresh program for every case: one that dies must not hand the next case a dead port.
      for (const c of cases) {
        await t.step(c.id, async () => {
          const report = await runExec(command, mutant.profile, [c], mutant);
          const r = report.cases[0];
          assertEquals(r.outcome, "fail", `${r.id}: ${r.outcome}: ${r.message}`);
          for (const words of SAYS[mutant.name]?.[c.id] ?? []) {
            assertStringIncludes(r.message, words, `${r.id} names the bug`);
          }
          if (mutant.names) {
            assertStringIncludes(r.message, mutant.names);
            assertEquals(report.program?.deaths[0]?.cause, c.id);
          }
        });
      }
    },
  });
}
