/**
 * The case↔mutant matrix of the client cases: the reference client and the correct C clients pass
 * every client case that applies to them, every client mutant fails each case it exists for with
 * a message that names its bug, and no client case ships that no mutant fails.
 *
 * @module
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { findCompiler } from "../../fixtures/c/compile.ts";
import { CLIENT_MUTANTS, type ClientFixture, CORRECT_CLIENTS } from "../../fixtures/clients/mod.ts";
import { PROFILES } from "../../harness/subject/profiles.ts";
import { runCases, type RunReport } from "../../harness/mod.ts";
import { selfTest } from "../_self_check.ts";
import { ALL_CASES } from "../mod.ts";
import { CLIENT_CASES } from "./mod.ts";

const NO_CC = findCompiler() === null;
if (NO_CC) console.warn("suites/client: no C compiler (cc): the C clients are skipped");

/** Mutants that hang are killed after this long, so the matrix stays quick. */
const MUTANT_WAIT_MS = 2500;

/** Words each mutant's failure message must contain: its bug, named. */
const NAMED: Readonly<Record<string, string>> = {
  "one-recv": "recv() returns",
  "eof-as-data": "recv() returns 0",
  "no-exit-status": "reported success",
  "sigpipe-client": "SIGPIPE",
  "refused-hang": "kept trying",
  "short-write": "short write",
  "fgets-strlen": "C string",
  "unchecked-connect": "connect()'s result is not checked",
  "lp16-host-order": "htons()",
  "lp32-host-order": "htonl()",
  "lp16-one-recv-header": "one recv() for the whole header",
  "lp32-one-recv-header": "one recv() for the whole header",
  "lp16-reads-too-much": "next frame",
  "lp32-reads-too-much": "next frame",
  "udp-no-timeout": "time-out",
  "udp-small-buffer": "receive buffer holds 512 bytes",
  "udp-any-source": "another port",
};

function run(fixture: ClientFixture, command: string, ids?: readonly string[], waitMs?: number) {
  return runCases(CLIENT_CASES.filter((c) => !ids || ids.includes(c.id)), {
    targets: {},
    profile: PROFILES[fixture.profile],
    seed: 1,
    concurrency: CLIENT_CASES.length,
    client: { command, transport: fixture.transport, limits: fixture.limits },
    params: waitMs ? { "client-wait": waitMs } : {},
  });
}

function problems(name: string, report: RunReport): string[] {
  return report.cases.filter((c) => !["pass", "skip"].includes(c.outcome))
    .map((c) => `${name}: ${c.id}: ${c.outcome}: ${c.message}`);
}

selfTest({
  name: "the correct C clients pass every client case that applies",
  ignore: NO_CC,
  async fn() {
    // One client at a time: each run already runs all its cases at once.
    for (const f of CORRECT_CLIENTS.filter((f) => f.name.startsWith("c-"))) {
      const report = await run(f, await f.command());
      assertEquals(problems(f.name, report), []);
      assertEquals(report.summary.pass > 0, true);
    }
  },
});

for (const fixture of CORRECT_CLIENTS.filter((f) => f.name.startsWith("reference-"))) {
  selfTest(`the ${fixture.name} client passes every client case that applies`, async () => {
    const report = await run(fixture, await fixture.command());
    assertEquals(problems(fixture.name, report), []);
    assertEquals(report.summary.pass > 0, true);
  });
}

for (const mutant of CLIENT_MUTANTS) {
  selfTest({
    name: `client mutant ${mutant.name} fails ${mutant.catches.join(", ")}`,
    ignore: NO_CC,
    async fn() {
      const report = await run(mutant, await mutant.command(), mutant.catches, MUTANT_WAIT_MS);
      assertEquals(report.cases.map((c) => c.id).sort(), [...mutant.catches].sort());
      for (const r of report.cases) {
        assertEquals(r.outcome, "fail", `${r.id}: ${r.outcome}: ${r.message}`);
        assertStringIncludes(r.message, NAMED[mutant.name], `${r.id} names the bug`);
      }
    },
  });
}

selfTest("every client case is failed by at least one client mutant", () => {
  const caught = new Set(CLIENT_MUTANTS.flatMap((m) => m.catches));
  assertEquals(CLIENT_CASES.map((c) => c.id).filter((id) => !caught.has(id)), []);
  assertEquals(Object.keys(NAMED).sort(), CLIENT_MUTANTS.map((m) => m.name).sort());
});

selfTest("client case ids are unique among all cases and dotted", () => {
  const ids = [...ALL_CASES, ...CLIENT_CASES].map((c) => c.id);
  assertEquals(ids.length, new Set(ids).size);
  for (const id of CLIENT_CASES.map((c) => c.id)) {
    assertEquals(/^client\.(tcp|udp)\.[a-z0-9-]+$/.test(id), true, id);
  }
});
