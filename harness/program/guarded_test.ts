import { assertEquals } from "@std/assert";
import { GUARDED_MARK, spawnGuarded } from "./guarded.ts";
import { eventually, liveCarrying as carrying, procTest } from "./_test_utils.ts";

/** The first line `stream` carries (the rest is cancelled). */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (text.includes("\n")) break;
  }
  return text.split("\n")[0];
}

/** A shell that forks two sleepers and waits: a server and the children it forked. */
const FORKS = ["-c", "sleep 300 & sleep 300 & echo ready; wait"];

procTest("stop() kills the guarded process and everything it forked", async () => {
  const p = spawnGuarded("/bin/sh", {
    args: FORKS,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  });
  assertEquals(await firstLine(p.child.stdout), "ready");
  assertEquals(carrying(p.mark).length, 3, "the shell and its two sleepers carry the mark");
  assertEquals((await p.stop()).signal, "SIGKILL");
  const clean = await eventually(() => carrying(p.mark).length === 0);
  assertEquals(clean ? [] : carrying(p.mark), [], "nothing left after stop()");
});

/**
 * Starts a Deno process that starts a guarded shell with two forks and then waits; kills it with
 * SIGKILL, alone or with its whole process group (it runs in a session of its own, as a CI job
 * does); returns what is left carrying the guarded mark, once the guardian had the time it needs.
 */
async function leftAfterKill(how: "process" | "group"): Promise<number[]> {
  const guarded = new URL("./guarded.ts", import.meta.url).href;
  // The starter prints the mark once its server has forked, then waits until it is killed.
  const script = `
    import { spawnGuarded } from ${JSON.stringify(guarded)};
    const p = spawnGuarded("/bin/sh", { args: ${
    JSON.stringify(FORKS)
  }, stdin: "null", stdout: "piped", stderr: "null" });
    await p.child.stdout.getReader().read();
    console.log(p.mark);
    await new Promise(() => setInterval(() => {}, 1000));
  `;
  const starter = new Deno.Command("setsid", {
    args: [Deno.execPath(), "eval", "--quiet", script],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let mark = "";
  let killed = false;
  try {
    mark = await firstLine(starter.stdout);
    assertEquals(mark.startsWith(`${GUARDED_MARK}=`), true, `the starter printed ${mark}`);
    assertEquals(carrying(mark).length, 3, "the shell and its two sleepers carry the mark");
    // No exit handler runs after SIGKILL: only the guardian can clean up.
    Deno.kill(how === "group" ? -starter.pid : starter.pid, "SIGKILL");
    killed = true;
  } finally {
    // Only when the test failed before its kill: the starter is not left behind.
    if (!killed) {
      try {
        Deno.kill(-starter.pid, "SIGKILL");
      } catch { /* already gone */ }
    }
    await starter.status;
  }
  const clean = await eventually(() => carrying(mark).length === 0);
  return clean ? [] : carrying(mark);
}

procTest(
  "a guarded process and its forks die with the process that started it (SIGKILL)",
  async () => {
    assertEquals(await leftAfterKill("process"), [], "nothing left after the starter was killed");
  },
);

procTest(
  "they die too when the starter's whole process group is killed, the guardian's not",
  async () => {
    assertEquals(await leftAfterKill("group"), [], "nothing left after the group was killed");
  },
);
