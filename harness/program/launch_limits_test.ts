import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { liveWithMark, MARK, newMark, procTest, procTestBothWays } from "./_test_utils.ts";
import { launch } from "./launch.ts";

procTestBothWays("launch() ends a program that goes over the process limit", async () => {
  const mark = newMark();
  await using program = launch({
    argv: ["sh", "-c", "for i in $(seq 1 100); do sleep 30 & done; wait"],
    env: { [MARK]: mark },
    limits: { processes: 20 },
  });
  const exit = await program.exited;
  assertEquals(exit.limitHit, "processes");
  assertStringIncludes(exit.description, "20 processes and threads");
  // Killed by sockspec, or the shell gave up when the kernel refused a fork (cgroup).
  assertMatch(
    exit.description,
    /^(killed by SIGKILL \(signal 9\): sockspec stopped it for going over 20 processes and threads|exited with status \d+ after a fork\(\) failed at the limit of 20 processes and threads)$/,
  );
  await program.close();
  assertEquals(liveWithMark(mark), []);
});

procTestBothWays("launch() counts threads against the process limit", async () => {
  const script = "import threading, time\n" +
    "for _ in range(40): threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n" +
    "time.sleep(30)";
  // The default memory limit counts resident memory: 40 threads' stacks and arenas are fine.
  await using program = launch({ argv: ["python3", "-c", script], limits: { processes: 20 } });
  const exit = await program.exited;
  assertEquals(exit.limitHit, "processes");
});

procTest("launch() stops a busy loop at the CPU limit with SIGXCPU", async () => {
  await using program = launch({ argv: ["sh", "-c", "while :; do :; done"], limits: { cpu: 1 } });
  const exit = await program.exited;
  assertEquals(exit.signal, "SIGXCPU");
  assertEquals(exit.limitHit, "cpu");
  assertEquals(
    exit.description,
    "killed by SIGXCPU (signal 24): the CPU-time limit ran out (a busy loop?); " +
      "the limit is 1 s of CPU time",
  );
});

procTest(
  "launch() applies the file and CPU limits to the program, and no address-space limit",
  async () => {
    await using program = launch({
      argv: ["sh", "-c", "ulimit -n; ulimit -Hn; ulimit -v; ulimit -t"],
      limits: { files: 64, memory: 256 * 1024 ** 2, cpu: 7 },
    });
    await program.exited;
    assertEquals(program.stdoutText(), "64\n64\nunlimited\n7\n");
  },
);

procTest("launch() gives a program the default limits", async () => {
  await using program = launch({ argv: ["sh", "-c", "ulimit -n; ulimit -v; ulimit -t"] });
  await program.exited;
  assertEquals(program.stdoutText(), "1024\nunlimited\n60\n");
});

procTestBothWays("launch() stops a program whose resident memory goes over its limit", async () => {
  const script = "import time\nb = b'x' * (512 * 1024 * 1024)\ntime.sleep(30)";
  await using program = launch({
    argv: ["python3", "-c", script],
    limits: { memory: 256 * 1024 ** 2 },
  });
  const exit = await program.exited;
  assertEquals(exit.limitHit, "memory");
  assertEquals(
    exit.description,
    "killed by SIGKILL (signal 9): sockspec stopped it for going over 256 MiB of resident memory",
  );
});

procTest("launch() lets a Deno program run under the default limits", async () => {
  await using program = launch({
    argv: [Deno.execPath(), "eval", "console.log(new Array(1000).fill(1).length)"],
    env: { NO_COLOR: "1" },
  });
  const exit = await program.exited;
  assertEquals([exit.description, program.stdoutText()], ["exited with status 0", "1000\n"]);
});

procTest("launch() takes Infinity as no limit", async () => {
  await using program = launch({
    argv: ["sh", "-c", "ulimit -v; ulimit -t"],
    limits: { memory: Infinity, cpu: Infinity, processes: Infinity },
  });
  await program.exited;
  assertEquals(program.stdoutText(), "unlimited\nunlimited\n");
});
