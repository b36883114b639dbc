import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { eventually, MARK, newMark, procTest } from "./_test_utils.ts";
import { CommandError } from "./command_error.ts";
import { launch } from "./launch.ts";
import { readProcess } from "./read_process.ts";

procTest("launch() reports the exit status and keeps stdout and stderr", async () => {
  await using program = launch({ argv: ["sh", "-c", "echo out; echo err >&2; exit 3"] });
  const exit = await program.exited;
  assertEquals(exit.code, 3);
  assertEquals(exit.signal, null);
  assertEquals(exit.description, "exited with status 3");
  assertEquals(exit.limitHit, undefined);
  assertEquals(program.stdoutText(), "out\n");
  assertEquals(program.stderrText(), "err\n");
  assertEquals(program.running, false);
});

procTest("launch() names a program killed by SIGSEGV and its usual cause", async () => {
  await using program = launch({ argv: ["sh", "-c", "kill -SEGV $$"] });
  const exit = await program.exited;
  assertEquals(exit.code, null);
  assertEquals(exit.signal, "SIGSEGV");
  assertEquals(
    exit.description,
    "killed by SIGSEGV (signal 11): a memory error, such as a recv() into a buffer that is too " +
      "small or a NULL pointer",
  );
});

procTest("launch() names a program killed by SIGPIPE and how to avoid it", async () => {
  await using program = launch({ argv: ["sh", "-c", "kill -PIPE $$"] });
  const exit = await program.exited;
  assertEquals(exit.signal, "SIGPIPE");
  assertStringIncludes(
    exit.description,
    "killed by SIGPIPE (signal 13): a write to a socket whose peer",
  );
  assertStringIncludes(exit.description, "MSG_NOSIGNAL");
});

procTest(
  "launch() runs the program as the leader of its own process group and session",
  async () => {
    await using program = launch({ argv: ["sleep", "30"] });
    // setsid and prlimit exec in the same pid first: wait for sleep itself.
    await eventually(() => readProcess(program.pid)?.comm === "sleep");
    const info = readProcess(program.pid);
    assertEquals(info?.comm, "sleep");
    assertEquals(info?.pgid, program.pid);
    assertEquals(info?.sid, program.pid);
    assert(program.running);
  },
);

procTest("launch() writes stdin then closes it, and gives /dev/null without it", async () => {
  {
    await using program = launch({
      argv: ["sh", "-c", "cat; echo end"],
      stdin: new TextEncoder().encode("line 1\nline 2\n"),
    });
    await program.exited;
    assertEquals(program.stdoutText(), "line 1\nline 2\nend\n");
  }
  {
    await using program = launch({ argv: ["sh", "-c", "cat; echo end"] });
    const exit = await program.exited;
    assertEquals(exit.code, 0);
    assertEquals(program.stdoutText(), "end\n");
  }
});

procTest("launch() adds env to the environment and runs in cwd", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using program = launch({
      argv: ["sh", "-c", 'echo "$GREETING $HOME"; pwd'],
      env: { GREETING: "hi" },
      cwd: dir,
    });
    await program.exited;
    assertEquals(program.stdoutText(), `hi ${Deno.env.get("HOME")}\n${await Deno.realPath(dir)}\n`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

procTest("launch() runs ./program relative to cwd, with spaces in the path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/my server`, '#!/bin/sh\necho "port $1"\n', { mode: 0o755 });
    await using program = launch({ argv: ["./my server", "8080"], cwd: dir });
    assertEquals((await program.exited).code, 0);
    assertEquals(program.stdoutText(), "port 8080\n");
    assertEquals(program.label, "my server");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

procTest("launch() throws CommandError for a program that cannot run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/server`, "#!/bin/sh\n", { mode: 0o644 });
    const notExecutable = assertThrows(
      () => launch({ argv: ["./server"], cwd: dir }),
      CommandError,
    );
    assertEquals(
      notExecutable.message,
      'Cannot run "./server": not executable (chmod +x ./server?)',
    );
    assertEquals(
      assertThrows(() => launch({ argv: ["./nope"], cwd: dir }), CommandError).message,
      'Cannot run "./nope": no such file',
    );
    assertEquals(
      assertThrows(() => launch({ argv: ["no-such-program-xyz"] }), CommandError).message,
      'Cannot run "no-such-program-xyz": not found on PATH',
    );
    assertEquals(
      assertThrows(() => launch({ argv: ["sh"], cwd: `${dir}/missing` }), CommandError).message,
      `Cannot run in "${dir}/missing": no such directory`,
    );
    assertThrows(() => launch({ argv: [] }), CommandError, "The command is empty");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

procTest("launch() rejects a bad limit with a RangeError", () => {
  assertThrows(() => launch({ argv: ["true"], limits: { files: 0 } }), RangeError, "files limit 0");
});

procTest("kill() signals the whole group, and the exit says sockspec sent it", async () => {
  const mark = newMark();
  await using program = launch({
    argv: ["sh", "-c", "sleep 30 & sleep 30 & wait"],
    env: { [MARK]: mark },
  });
  const sleeping = () => program.processes().filter((p) => p.comm === "sleep").length;
  assert(await eventually(() => sleeping() === 2));
  program.kill("SIGTERM");
  const exit = await program.exited;
  assertEquals(exit.signal, "SIGTERM");
  assertEquals(exit.description, "killed by SIGTERM (signal 15), sent by sockspec");
  const sleeps = () => program.processes().filter((p) => p.comm === "sleep" && p.state !== "Z");
  await eventually(() => sleeps().length === 0);
  assertEquals(sleeps(), []); // the children got SIGTERM too
});

procTest("close() kills a running program and resolves with how it ended", async () => {
  const program = launch({ argv: ["sleep", "30"] });
  const exit = await program.close();
  assertEquals(exit.signal, "SIGKILL");
  assertEquals(exit.description, "killed by SIGKILL (signal 9), sent by sockspec");
  assertEquals(await program.close(), exit); // again: same answer
  assertEquals(await program.exited, exit);
  program.kill("SIGTERM"); // nothing left to signal, and the group's id may be someone else's
  assertEquals(program.processes(), []);
});

procTest("launch() keeps only the last outputCap bytes of 5 MB of output", async () => {
  // 5 MiB of 'x' lines, then a recognisable end; the program must never block on a full pipe.
  const script = "head -c 5242880 /dev/zero | tr '\\0' 'x'; printf '\\nTHE END\\n' >&1; " +
    "head -c 5242880 /dev/zero | tr '\\0' 'y' >&2; printf '\\nlast error line\\n' >&2";
  await using program = launch({ argv: ["sh", "-c", script] });
  const exit = await program.exited;
  // It exited at all: its output was read all along (on a full pipe it would block for ever).
  assertEquals(exit.code, 0);
  const out = program.stdout();
  assertEquals(out.bytes.length, 64 * 1024);
  assertEquals(out.dropped, 5 * 1024 * 1024 + "\nTHE END\n".length - 64 * 1024);
  assert(program.stdoutText().endsWith("xxx\nTHE END\n"));
  assertEquals(program.stderrTail(1), ["last error line"]);
  assertEquals(program.stderr().bytes.length, 64 * 1024);
});

procTest("launch() honours a smaller outputCap and stderrTail() drops the cut line", async () => {
  await using program = launch({
    argv: ["sh", "-c", "for i in $(seq 1 100); do echo line $i >&2; done"],
    outputCap: 40,
  });
  await program.exited;
  assertEquals(program.stderr().bytes.length, 40);
  assertEquals(program.stderrTail(2), ["line 99", "line 100"]);
  assert(program.stderrTail(100).every((line) => /^line \d+$/.test(line)));
});
