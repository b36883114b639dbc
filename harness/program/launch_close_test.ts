import { assert, assertEquals } from "@std/assert";
import {
  eventually,
  liveWithMark,
  MARK,
  newMark,
  procTest,
  procTestBothWays,
} from "./_test_utils.ts";
import { launch } from "./launch.ts";

procTestBothWays("close() leaves no process of a fork-per-client-like server", async () => {
  const mark = newMark();
  await using program = launch({
    argv: ["sh", "-c", "sleep 300 & sleep 300 & sleep 300 & wait"],
    env: { [MARK]: mark },
  });
  assert(await eventually(() => liveWithMark(mark).length === 4), "sh and three sleeps started");
  await program.close();
  assertEquals(liveWithMark(mark), []);
});

procTestBothWays("close() also kills children that left the group with setsid", async () => {
  const mark = newMark();
  await using program = launch({
    argv: ["sh", "-c", "setsid sleep 300 & setsid sleep 300 & sleep 300 & wait"],
    env: { [MARK]: mark },
  });
  const sessions = () => new Set(program.processes().map((p) => p.sid)).size;
  assert(await eventually(() => sessions() === 3)); // the program's session and two new ones
  assertEquals(liveWithMark(mark).length, 4);
  await program.close();
  assertEquals(liveWithMark(mark), []);
});

procTestBothWays("close() kills what is left after the main process exited", async () => {
  const mark = newMark();
  await using program = launch({
    argv: ["sh", "-c", "setsid sleep 300 & sleep 300 & sleep 0.5; exit 4"],
    env: { [MARK]: mark },
  });
  const exit = await program.exited;
  assertEquals(exit.description, "exited with status 4");
  assertEquals(liveWithMark(mark).length, 2); // orphans now, one in a session of its own
  assertEquals(program.processes().filter((p) => p.state !== "Z").length, 2);
  assertEquals(await program.close(), exit); // how it ended does not change
  assertEquals(liveWithMark(mark), []);
});

procTestBothWays(
  "close() finds a daemon that forked twice and lost its parent at once",
  async () => {
    const mark = newMark();
    // The subshell exits at once: its child, in a new session, is an orphan before any scan.
    // Five processes: the program, the new session's sh, its two sleeps, the program's sleep.
    await using program = launch({
      argv: ["sh", "-c", "(setsid sh -c 'sleep 300 & sleep 300 & wait' &); sleep 300"],
      env: { [MARK]: mark },
    });
    assert(await eventually(() => liveWithMark(mark).length === 5));
    await program.close();
    assertEquals(liveWithMark(mark), []);
  },
);

procTest("close() stops a program that keeps forking", async () => {
  const mark = newMark();
  await using program = launch({
    // Forking without a pause made about 1,700 processes before close() came: with two suites at
    // once, every other test's /proc scans and event loops stalled for up to 18 s while it ran.
    // A fork every 5 ms still forks when close() comes, and holds a few hundred processes at most.
    argv: ["sh", "-c", "while :; do sleep 300 & sleep 0.005; done"],
    env: { [MARK]: mark },
    limits: { processes: 100_000 },
  });
  // A few are enough to show it is forking when close() comes (two suites at once once took
  // more than 15 s to make 50).
  assert(
    await eventually(() => liveWithMark(mark).length > 10),
    `it forked 10: ${liveWithMark(mark).length} seen; running ${program.running}; stderr ${
      JSON.stringify(program.stderrText().slice(-300))
    }`,
  );
  await program.close();
  assertEquals(liveWithMark(mark), []);
});

procTest("close() kills a program that ignores SIGTERM and SIGINT", async () => {
  const mark = newMark();
  await using program = launch({
    argv: ["sh", "-c", "trap '' TERM INT HUP; sleep 300 & wait; wait"],
    env: { [MARK]: mark },
  });
  assert(await eventually(() => liveWithMark(mark).length === 2));
  program.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert(program.running);
  const exit = await program.close();
  assertEquals(exit.signal, "SIGKILL");
  assertEquals(liveWithMark(mark), []);
});
