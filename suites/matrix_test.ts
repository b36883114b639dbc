/**
 * The case↔mutant matrix: every reference server passes every case that applies to it, every
 * mutant fails each case it exists for, and no case ships that no mutant fails (the mutants run as
 * commands, `exec_matrix_test.ts`, included).
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { MUTANTS } from "../fixtures/mutants/mod.ts";
import { EXEC_MUTANTS } from "../fixtures/exec_mutants.ts";
import { serve } from "../fixtures/serve.ts";
import { runCases } from "../harness/mod.ts";
import { ALL_CASES } from "./mod.ts";
import { PROFILES } from "../harness/cli/profiles.ts";
import { selfTest } from "./_self_check.ts";

/**
 * Cases proven by a test of their own instead of a mutant (info measurements), and where.
 * Keep this list short: a case here must name the test that shows it can tell good from bad.
 */
export const PROVEN_ELSEWHERE: Readonly<Record<string, string>> = {
  "ports.tcp-refused":
    'suites/ports_test.ts "ports.tcp-refused tells a refused TCP port from one that accepts" (info only: either answer is allowed)',
  "tcp.backlog.measure":
    'suites/tcp/backlog_test.ts "measure counts 3 waiting handshakes behind a real listen(fd, 2)" (info only: a measurement)',
};

/** Smaller loads for the matrix runs, so the matrix stays quick. */
const MATRIX_PARAMS = { clients: 50, churn: 300, burst: 64 };

for (const profile of Object.values(PROFILES)) {
  if (!profile.reference) continue;
  selfTest(`reference ${profile.name} passes every case that applies`, async () => {
    await using served = serve(profile.reference!);
    const report = await runCases(ALL_CASES, {
      targets: served.targets,
      profile,
      seed: 1,
      params: MATRIX_PARAMS,
    });
    const bad = report.cases.filter((c) => !["pass", "skip", "info"].includes(c.outcome));
    assertEquals(
      bad.map((c) => `${c.id}: ${c.outcome}: ${c.message}`),
      [],
      `the ${profile.name} reference must pass`,
    );
    assertEquals(report.summary.pass > 0, true, "at least one case ran");
  });
}

for (const mutant of MUTANTS) {
  selfTest(`mutant ${mutant.name} fails ${mutant.catches.join(", ")}`, async (t) => {
    const profile = PROFILES[mutant.profile];
    assertEquals(profile !== undefined, true, `unknown profile ${mutant.profile}`);
    const cases = ALL_CASES.filter((c) => mutant.catches.includes(c.id));
    assertEquals(
      cases.map((c) => c.id).sort(),
      [...mutant.catches].sort(),
      "every caught case exists",
    );
    // A fresh mutant for every case: a mutant that crashes must not hand the next case a dead port.
    for (const c of cases) {
      await t.step(c.id, async () => {
        await using served = await mutant.start();
        const report = await runCases([c], {
          targets: served.targets,
          profile,
          seed: 1,
          strict: mutant.strict,
          timeoutMs: 1000,
          params: { ...MATRIX_PARAMS, ...mutant.params },
        });
        const r = report.cases[0];
        assertEquals(r.outcome, "fail", `${r.id}: ${r.outcome}: ${r.message}`);
      });
    }
  });
}

selfTest("every case is failed by at least one mutant", () => {
  // Programs run as commands (exec_matrix_test.ts) prove the process.* cases.
  const caught = new Set([...MUTANTS, ...EXEC_MUTANTS].flatMap((m) => m.catches));
  const unproven = ALL_CASES.map((c) => c.id).filter((id) =>
    !caught.has(id) && !PROVEN_ELSEWHERE[id]
  );
  assertEquals(unproven, [], "cases no mutant fails do not ship");
});

selfTest("case ids are unique and dotted", () => {
  const ids = ALL_CASES.map((c) => c.id);
  assertEquals(ids.length, new Set(ids).size);
  for (const id of ids) assertEquals(/^[a-z0-9]+(\.[a-z0-9-]+)+$/.test(id), true, id);
});
