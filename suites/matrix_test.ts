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
import { serve } from "../fixtures/references/serve.ts";
import { runCases } from "../harness/mod.ts";
import { ALL_CASES } from "./mod.ts";
import { PROFILES } from "../harness/subject/profiles.ts";
import { selfTest } from "./_self_check.ts";
import { LOAD_AND_UDP_MUTANTS, MATRIX_PARAMS, mutantTests } from "./_test_utils.ts";

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

// The load and UDP mutants run in matrix_load_udp_test.ts, beside these under deno test --parallel.
mutantTests(MUTANTS.filter((m) => !LOAD_AND_UDP_MUTANTS.includes(m)));

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
