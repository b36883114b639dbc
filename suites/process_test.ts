import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { compileC, findCompiler } from "../fixtures/c/compile.ts";
import { serve } from "../fixtures/references/serve.ts";
import { type Case, NO_PROGRAM, runCases } from "../harness/mod.ts";
import { openExec } from "../harness/subject/program/session.ts";
import { readLimits } from "../harness/subject/program/spec.ts";
import { PROFILES } from "../harness/subject/profiles.ts";
import { processCases } from "./process.ts";
import { selfTest } from "./_self_check.ts";

const echo = PROFILES.echo;
const ignore = findCompiler() === null;

/**
 * Runs one case against a C server of `fixtures/c/` launched as a command (`name` under `exec/`
 * unless it names its folder), with `--limit` values `limits`.
 */
async function against(name: string, c: Case, limits: readonly string[] = []) {
  const opened = await openExec({
    command: `${await compileC(name.includes("/") ? name : `exec/${name}`)} {tcp}`,
    buildTimeoutMs: 60_000,
    readyTimeoutMs: 10_000,
    limits: readLimits(limits),
    restart: "on-crash",
    host: "127.0.0.1",
  }, echo);
  if (!opened.ok) throw new Error(opened.message);
  try {
    const report = await runCases([c], opened.runOptions({ targets: {}, profile: echo, seed: 1 }));
    return report.cases[0];
  } finally {
    await opened.close();
  }
}

const byId = (id: string) => processCases.find((c) => c.id === id)!;

// What each process.* case says when it fails a C mutant launched as a command (the leak, the
// zombies, the busy loop, the missing SO_REUSEADDR) is asserted by exec_matrix_test.ts, in the
// same run that shows the case fails that mutant. Here: what the matrix does not run.

selfTest("process cases skip against a target sockspec did not launch, saying --exec", async () => {
  await using served = serve(echo.reference!);
  const report = await runCases(processCases, { targets: served.targets, profile: echo, seed: 1 });
  assertEquals(report.cases.map((c) => c.outcome), processCases.map(() => "skip"));
  assertEquals(new Set(report.cases.map((c) => c.message)), new Set([NO_PROGRAM]));
});

selfTest({
  name: "process.fd-leak names the leak when the descriptors ran out before its 40 connections",
  ignore,
  async fn() {
    const r = await against("fd_leak", byId("process.fd-leak"), ["files=24"]);
    assertEquals(r.outcome, "fail", r.message);
    assertStringIncludes(r.message, "about one descriptor per connection is never closed");
    assertStringIncludes(r.message, "was not served");
  },
});

selfTest({
  name: "process cases measure an iterative server, one client at a time",
  ignore,
  async fn() {
    for (const id of ["process.fd-leak", "process.children", "process.idle-cpu"]) {
      const r = await against("multi/iterative_exit_on_error", byId(id));
      assertEquals(r.outcome, "pass", `${id}: ${r.message}`);
    }
  },
});

selfTest({
  name: "process cases skip, saying why, when the program dies serving one client",
  ignore,
  async fn() {
    const r = await against("multi/thread_double_free", byId("process.fd-leak"));
    assertEquals(r.outcome, "skip", r.message);
    assertStringIncludes(r.message, "Could not measure its descriptors");
    assertStringIncludes(r.message, "the program is no longer running");
  },
});

selfTest({
  name: "process.restart names an unchecked bind() when the new start listens elsewhere",
  ignore,
  async fn() {
    const r = await against("multi/fork_leak_unchecked_bind", byId("process.restart"));
    assertEquals(r.outcome, "fail", r.message);
    assertMatch(r.message, /Its bind\(\) to \d+ failed and was not checked/);
  },
});
