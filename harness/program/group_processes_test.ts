import { assert, assertEquals } from "@std/assert";
import { eventually, procTest } from "./_test_utils.ts";
import { groupProcesses, zombies } from "./group_processes.ts";
import { launch } from "./launch.ts";

procTest("zombies() lists children that exited and were never reaped", async () => {
  const script = "import os, time\n" +
    "for _ in range(3):\n  if os.fork() == 0: os._exit(0)\n" +
    "if os.fork() == 0: time.sleep(30)\n" + // one child stays alive
    "time.sleep(30)";
  await using program = launch({ argv: ["python3", "-c", script] });
  assert(await eventually(() => zombies(program.pid).length === 3));
  const group = groupProcesses(program.pid);
  assertEquals(group.length, 5);
  assertEquals(group[0].pid, program.pid); // ascending pids: the parent first
  assert(group.slice(1).every((p) => p.ppid === program.pid));
  assertEquals(group.filter((p) => p.state !== "Z").length, 2);
  assert(zombies(program.pid).every((z) => z.comm === "python3"));
});

procTest("groupProcesses() leaves out a child that moved to a group of its own", async () => {
  await using program = launch({ argv: ["sh", "-c", "setsid sleep 30 & sleep 30 & wait"] });
  assert(await eventually(() => program.processes().length === 3));
  assertEquals(groupProcesses(program.pid).length, 2); // sh and the sleep that stayed
  assertEquals(groupProcesses(2 ** 30), []);
});
