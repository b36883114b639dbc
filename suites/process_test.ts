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

selfTest("process cases skip against a target sockspec did not launch, saying --exec", async () => {
  await using served = serve(echo.reference!);
  const report = await runCases(processCases, { targets: served.targets, profile: echo, seed: 1 });
  assertEquals(report.cases.map((c) => c.outcome), processCases.map(() => "skip"));
  assertEquals(new Set(report.cases.map((c) => c.message)), new Set([NO_PROGRAM]));
});

selfTest({
  name: "process.restart quotes the lesson: no SO_REUSEADDR, bind() fails in TIME_WAIT",
  ignore,
  async fn() {
    const r = await against("no_reuseaddr", byId("process.restart"));
    assertEquals(r.outcome, "fail");
    assertStringIncludes(r.message, 'its stderr ends "bind: Address already in use"');
    assertStringIncludes(r.message, "Without SO_REUSEADDR, bind() fails while the old connections");
  },
});

selfTest({
  name: "process.children tells zombies from children that outlive their clients",
  ignore,
  async fn() {
    const zombies = await against("zombies", byId("process.children"));
    assertStringIncludes(zombies.message, "zombie children");
    assertStringIncludes(zombies.message, "waitpid(-1, NULL, WNOHANG)");
    const linger = await against("children_linger", byId("process.children"));
    assertStringIncludes(linger.message, "still run");
    assertStringIncludes(linger.message, "a child must exit");
  },
});

selfTest({
  name: "process.fd-leak, process.memory and process.idle-cpu name the leak and the busy loop",
  ignore,
  async fn() {
    const fds = await against("fd_leak", byId("process.fd-leak"));
    assertStringIncludes(fds.message, "about one per connection is never closed");
    const memory = await against("mem_leak", byId("process.memory"));
    assertStringIncludes(memory.message, "(about 64 KiB per request)");
    const cpu = await against("select_zero_timeout", byId("process.idle-cpu"));
    assertStringIncludes(cpu.message, "a busy loop");
  },
});

selfTest({
  name: "process.memory tells a leak per connection from a leak per request",
  ignore,
  async fn() {
    const perConnection = await against("conn_leak", byId("process.memory"));
    assertStringIncludes(perConnection.message, "(about 64 KiB per connection)");
    assertStringIncludes(perConnection.message, "memory is leaked per connection");
    const perRequest = await against("mem_leak", byId("process.memory"));
    assertStringIncludes(perRequest.message, "memory is leaked per request");
  },
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
  name: "process.idle-cpu names a thread that spins once its client closed",
  ignore,
  async fn() {
    const r = await against("spin_after_close", byId("process.idle-cpu"));
    assertEquals(r.outcome, "fail", r.message);
    assertStringIncludes(r.message, "every connection that ended left something spinning");
    assertStringIncludes(r.message, "A recv() that returns 0 means the client closed");
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
