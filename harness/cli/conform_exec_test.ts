import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { compileC, findCompiler } from "../../fixtures/c/compile.ts";
import { ALL_CASES } from "../../suites/mod.ts";
import { runCases, type RunReport } from "../mod.ts";
import { openExec } from "../subject/program/session.ts";
import { readLimits } from "../subject/program/spec.ts";
import { PROFILES } from "../subject/profiles.ts";
import { eventually, liveWithMark, MARK, newMark } from "../program/_test_utils.ts";
import { type CliRun, runCli } from "./_test_utils.ts";

const cc = findCompiler();
const ignore = cc === null;
if (ignore) console.warn("conform --exec: skipped, no C compiler (cc) on PATH");

/** Runs conform with a mark every launched process inherits, and checks none is left after. */
async function conform(args: string[]): Promise<CliRun> {
  const mark = newMark();
  const r = await runCli("harness/cli/conform.ts", args, { env: { [MARK]: mark } });
  assertEquals(liveWithMark(mark), [], `nothing left running after conform ${args.join(" ")}`);
  return r;
}

function assertLastLine(stderr: string, includes: string) {
  const last = stderr.trim().split("\n").at(-1) ?? "";
  assertStringIncludes(last, includes);
  assert(!/\bat .*:\d+:\d+/.test(stderr), `no stack trace:\n${stderr}`);
}

Deno.test({
  name: "conform --exec names each bad program in one line, with its own exit code",
  ignore,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "sockspec-exec-" });
    try {
      await Deno.writeTextFile(`${dir}/plain.txt`, "not a program\n");
      await Deno.writeTextFile(`${dir}/broken.c`, "int main(void) { return syntax error; }\n");
      const exitsAtOnce = await compileC("exec/exits_at_once");
      const otherPort = await compileC("exec/binds_other_port");
      const cases: [string, string[], number, string, string?][] = [
        [
          "a command that is not found",
          ["--exec", "./no_such_server {port}"],
          2,
          'sockspec: Cannot run "./no_such_server": no such file',
        ],
        [
          "a command not on PATH",
          ["--exec", "no-such-server-anywhere {port}"],
          2,
          'sockspec: Cannot run "no-such-server-anywhere": not found on PATH',
        ],
        [
          "a file that is not executable",
          ["--exec", `${dir}/plain.txt {port}`],
          2,
          "not executable (chmod +x",
        ],
        [
          "a command with no placeholder",
          ["--exec", "./server 8080"],
          2,
          "has no port placeholder: sockspec cannot know where it serves",
        ],
        [
          "a build that fails",
          ["--cwd", dir, "--build", "cc -o server broken.c", "--exec", "./server {tcp}"],
          5,
          'sockspec: The build "cc -o server broken.c" failed: exited with status 1',
          "error",
        ],
        [
          "a program that exits at once",
          ["--exec", `${exitsAtOnce} {tcp}`],
          6,
          "exited with status 3 before it served TCP 127.0.0.1:",
          "error: cannot open config",
        ],
        [
          "a program that never binds",
          ["--exec", "sleep 30 {tcp}", "--ready-timeout", "800"],
          6,
          "did not serve TCP 127.0.0.1:",
        ],
        [
          "a program that binds another port",
          ["--exec", `${otherPort} {tcp}`],
          6,
          "listens on TCP ",
        ],
      ];
      for (const [what, args, code, line, detail] of cases) {
        await t.step(what, async () => {
          const r = await conform([...args, "--only", "tcp.basic"]);
          assertEquals(r.code, code, r.stdout + r.stderr);
          assertLastLine(r.stderr, line);
          if (detail) assertStringIncludes(r.stderr, detail);
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** A ready deadline far beyond the 2 s slow_bind takes, however loaded the machine. */
const READY_TIMEOUT_MS = 60_000;

Deno.test({
  name: "conform --exec waits for a program that binds after 2 s, without a fixed sleep",
  ignore,
  async fn() {
    const slow = await compileC("exec/slow_bind");
    const path = await Deno.makeTempFile({ suffix: ".json" });
    try {
      const r = await conform([
        "--exec",
        `${slow} {tcp}`,
        "--only",
        "tcp.basic",
        "--ready-timeout",
        String(READY_TIMEOUT_MS),
        "--report",
        `json:${path}`,
      ]);
      assertEquals(r.code, 0, r.stdout + r.stderr);
      assertMatch(r.stdout, /^3 passed, 0 failed, 0 errors, \d+ skipped$/m);
      // Passing shows it waited for the bind; ready long before its deadline shows it saw the
      // bind instead of sleeping (a wait that sleeps out its deadline would say ready at 60 s).
      const report: RunReport = JSON.parse(await Deno.readTextFile(path));
      const readyMs = report.program!.starts[0].readyMs!;
      assert(readyMs < READY_TIMEOUT_MS / 2, `ready after ${readyMs} ms`);
    } finally {
      await Deno.remove(path);
    }
  },
});

Deno.test({
  name: "conform --exec names a crash by its signal, pins it on its case, and restarts",
  ignore,
  async fn() {
    const crash = await compileC("exec/crash_big_recv");
    const path = await Deno.makeTempFile({ suffix: ".json" });
    const junit = await Deno.makeTempFile({ suffix: ".xml" });
    try {
      const r = await conform([
        "--exec",
        `${crash} {tcp}`,
        "--only",
        "tcp.framing.large",
        "--only",
        "tcp.basic",
        "--concurrency",
        "1",
        "--seed",
        "3",
        "--report",
        `json:${path}`,
        "--report",
        `junit:${junit}`,
      ]);
      assertEquals(r.code, 1, r.stdout + r.stderr);
      const report: RunReport = JSON.parse(await Deno.readTextFile(path));
      const large = report.cases.find((c) => c.id === "tcp.framing.large")!;
      assertEquals(large.outcome, "fail");
      assertStringIncludes(large.message, "killed by SIGSEGV (signal 11): a memory error");
      assertStringIncludes(large.message, "the only case running");
      // The cases after the crash test a restarted program: real verdicts, not errors.
      assertEquals(report.summary.error, 0, JSON.stringify(report.summary));
      assertEquals(report.summary.pass, 3);
      const program = report.program!;
      assertEquals(program.deaths.length, 1);
      assertEquals(program.deaths[0].signal, "SIGSEGV");
      assertEquals(program.deaths[0].cause, "tcp.framing.large");
      assertEquals(program.restarts, 1);
      assertEquals(program.starts[0].ended?.signal, "SIGSEGV");
      assertStringIncludes(r.stdout, "died: killed by SIGSEGV");
      assertStringIncludes(
        large.reproduce,
        `deno task conform:exec --exec '${crash} {tcp}' --profile echo --only tcp.framing.large`,
      );
      const xml = await Deno.readTextFile(junit);
      assertMatch(xml, /<system-err>[^<]*died: killed by SIGSEGV/);
    } finally {
      await Deno.remove(path);
      await Deno.remove(junit);
    }
  },
});

Deno.test({
  name: "the crash watch confirms which of several cases running at once killed the program",
  ignore,
  async fn() {
    // Run alone, tcp.framing.binary is the one suspect by construction (it is a hazard); here it
    // is made to share the step with the basic cases, as any case that kills a program may.
    const together = ALL_CASES.filter((c) =>
      c.id === "tcp.framing.binary" || c.id.startsWith("tcp.basic.")
    )
      .map((c) => ({ ...c, alone: undefined }));
    const abort = await compileC("exec/abort_on_garbage");
    const opened = await openExec({
      command: `${abort} {tcp}`,
      buildTimeoutMs: 60_000,
      readyTimeoutMs: 10_000,
      limits: readLimits([]),
      restart: "on-crash",
      host: "127.0.0.1",
    }, PROFILES.echo);
    if (!opened.ok) throw new Error(opened.message);
    let report: RunReport;
    try {
      report = await runCases(
        together,
        opened.runOptions({ targets: {}, profile: PROFILES.echo, seed: 5, concurrency: 4 }),
      );
    } finally {
      report = { ...report!, program: await opened.close() };
    }
    const death = report.program!.deaths[0];
    assertEquals(death.signal, "SIGABRT");
    assertEquals(death.cause, "tcp.framing.binary");
    assertEquals(death.inFlight.length > 1, true, JSON.stringify(death));
    assertEquals(death.confirmed, true, death.attribution);
    const binary = report.cases.find((c) => c.id === "tcp.framing.binary")!;
    assertStringIncludes(binary.message, "killed by SIGABRT (signal 6): abort()");
    assertStringIncludes(binary.message, "confirmed: rerun alone");
    const others = report.cases.filter((c) => c.id.startsWith("tcp.basic."));
    assertEquals(others.map((c) => c.outcome), ["pass", "pass", "pass"]);
  },
});

Deno.test({
  name: "conform --exec --restart never ends the remaining cases at once as not run",
  ignore,
  async fn() {
    const crash = await compileC("exec/crash_big_recv");
    const r = await conform([
      "--exec",
      `${crash} {tcp}`,
      "--restart",
      "never",
      "--only",
      "tcp.framing.large",
      "--only",
      "tcp.robustness.garbage",
      "--concurrency",
      "1",
    ]);
    assertEquals(r.code, 1, r.stdout + r.stderr);
    assertStringIncludes(r.stdout, "Not run: the program was killed by SIGSEGV");
    assertStringIncludes(r.stdout, "and --restart is never");
  },
});

/** How the stop tests stop conform, and what its exit must show. */
const STOPS = [
  {
    name: "conform --exec interrupted by Ctrl-C (SIGINT) kills the program and all it forked",
    signal: "SIGINT",
    group: false,
    exit: (s: Deno.CommandStatus) => assertEquals(s.code, 130),
  },
  {
    // No exit handler runs after SIGKILL: only the guardian can clean up.
    name: "conform --exec killed by SIGKILL leaves nothing running: the guardian kills it all",
    signal: "SIGKILL",
    group: false,
    exit: (s: Deno.CommandStatus) => assertEquals(s.signal, "SIGKILL"),
  },
  {
    // conform in a session of its own, its whole process group killed, as a CI job's time-out can.
    name:
      "conform --exec killed with its whole process group (SIGKILL) leaves nothing running: the guardian is not in that group",
    signal: "SIGKILL",
    group: true,
    exit: (s: Deno.CommandStatus) => assertEquals(s.signal, "SIGKILL"),
  },
] as const;

for (const stop of STOPS) {
  Deno.test({
    name: stop.name,
    ignore,
    async fn() {
      const mark = newMark();
      const child = await conformUnderLoad(mark, stop.group);
      try {
        // Two children the server forked for the test's own clients: alive until they are killed.
        await using _held = await holdForks(child, mark);
        Deno.kill(stop.group ? -child.pid : child.pid, stop.signal);
        stop.exit(await child.status);
      } finally {
        // Never leave the run behind, even when an assertion failed.
        try {
          child.kill(stop.signal);
        } catch { /* already gone */ }
        await child.status;
      }
      // A process still finishing its exit under load (one was seen in a run of two suites at
      // once) is given the moment it needs.
      const clean = await eventually(() => liveWithMark(mark).length === 0);
      assertEquals(
        clean ? [] : liveWithMark(mark),
        [],
        `nothing left running after ${stop.signal}`,
      );
    },
  });
}

/**
 * Starts conform --exec on a fork-per-client server, marked, under load: waves of 100 clients at
 * once (under the 256 processes sockspec allows a program), repeated until the test stops it.
 */
async function conformUnderLoad(mark: string, session = false): Promise<Deno.ChildProcess> {
  const fork = await compileC("exec/echo_fork");
  return new Deno.Command(session ? "setsid" : Deno.execPath(), {
    args: [
      ...(session ? [Deno.execPath()] : []),
      "run",
      "-A",
      "--quiet",
      "harness/cli/conform.ts",
      "--exec",
      `${fork} {tcp}`,
      "--only",
      "tcp.concurrency.many-clients",
      "--param",
      "clients=100",
      "--repeat",
      "1000",
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    env: { NO_COLOR: "1", [MARK]: mark },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** The live processes of the program under test that are the fork-per-client server. */
function forkedServers(mark: string): number[] {
  return liveWithMark(mark).filter((pid) => {
    try {
      return Deno.readTextFileSync(`/proc/${pid}/comm`).includes("echo_fork");
    } catch {
      return false;
    }
  });
}

/**
 * Waits for the server to start (its port is its last argument), connects two clients of the
 * test's own and has each echoed (the server forked a child for each, and those children live
 * until the connections close, whatever the load is doing at that moment), then waits until the
 * load's clients have children too. Closing the result closes the two connections.
 */
async function holdForks(child: Deno.ChildProcess, mark: string): Promise<AsyncDisposable> {
  let exited = false;
  child.status.then(() => exited = true);
  let port = 0;
  const started = await eventually(() => {
    for (const pid of forkedServers(mark)) {
      try {
        const argv = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").filter(Boolean);
        port = Number(argv.at(-1));
        if (port > 0) return true;
      } catch { /* gone */ }
    }
    return exited;
  }, 60_000);
  assert(started && !exited, "conform started the server and is still running");
  const conns: Deno.TcpConn[] = [];
  const held = {
    async [Symbol.asyncDispose]() {
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* closed */ }
      }
      await Promise.resolve();
    },
  };
  try {
    for (const word of ["held-1\n", "held-2\n"]) {
      const conn = await connectOnceListening(port, () => exited);
      conns.push(conn);
      await conn.write(new TextEncoder().encode(word));
      const buf = new Uint8Array(word.length);
      let got = 0;
      while (got < buf.length) {
        const n = await conn.read(buf.subarray(got));
        if (n === null) throw new Error("The server closed the test's client before its echo");
        got += n;
      }
      assertEquals(new TextDecoder().decode(buf), word);
    }
    // The server, the two children serving the test's clients, and one at least for the load's.
    const loaded = await eventually(() => forkedServers(mark).length >= 4 || exited, 60_000);
    assert(loaded && !exited, "the server forked children for the load's clients too");
  } catch (e) {
    await held[Symbol.asyncDispose]();
    throw e;
  }
  return held;
}

/**
 * Connects to the server at `port`: its process shows before it listens (the test found it by its
 * arguments, and a loaded machine can take a while from exec() to listen()), so a refused connect
 * is tried again every 20 ms, for at most 60 s or until conform exits.
 */
async function connectOnceListening(port: number, exited: () => boolean): Promise<Deno.TcpConn> {
  const deadline = performance.now() + 60_000;
  while (true) {
    try {
      return await Deno.connect({ hostname: "127.0.0.1", port });
    } catch (e) {
      if (!(e instanceof Deno.errors.ConnectionRefused) || exited()) throw e;
      if (performance.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
