import { assert, assertEquals } from "@std/assert";
import { parseStat } from "./_proc.ts";
import { eventually, procTest } from "./_test_utils.ts";
import { launch } from "./launch.ts";
import { cpuTimeMs, readProcess } from "./read_process.ts";

procTest("readProcess() reads a name with spaces and parentheses", async () => {
  const script = "open('/proc/self/comm', 'w').write('a) b (c'); print('named', flush=True); " +
    "import time; time.sleep(30)";
  await using program = launch({ argv: ["python3", "-c", script] });
  assert(await eventually(() => program.stdoutText() === "named\n"));
  const info = readProcess(program.pid);
  assertEquals(info?.comm, "a) b (c");
  assertEquals(info?.pid, program.pid);
  assertEquals(info?.pgid, program.pid);
  assertEquals(info?.sid, program.pid);
  assertEquals(info?.threads, 1);
  assertEquals(info?.state, "S");
});

procTest("readProcess() returns undefined for a process that does not exist", () => {
  assertEquals(readProcess(2 ** 30), undefined);
  assertEquals(cpuTimeMs(2 ** 30), 0);
});

Deno.test("parseStat() reads the fields after the last parenthesis", () => {
  const line = "4242 (x) (y)) R 1 4242 4242 0 -1 4194560 100 0 0 0 150 25 0 0 20 0 3 0 98765 " +
    "10000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  assertEquals(parseStat(line), {
    pid: 4242,
    comm: "x) (y)",
    state: "R",
    ppid: 1,
    pgid: 4242,
    sid: 4242,
    cpuMs: 1750,
    threads: 3,
    startTime: 98765,
  });
});

procTest("cpuTimeMs() grows while a program computes", async () => {
  const script = "import time\nwhile time.process_time() < 0.5: pass\n" +
    "print('done', flush=True); time.sleep(30)";
  await using program = launch({ argv: ["python3", "-c", script] });
  // Half a second of CPU can take many seconds of wall clock beside a second test run.
  assert(await eventually(() => program.stdoutText() === "done\n", 60_000));
  const ms = cpuTimeMs(program.pid);
  assert(ms >= 490 && ms <= 2000, `${ms} ms of CPU`);
  assertEquals(readProcess(program.pid)?.cpuMs, ms); // it sleeps now
});
