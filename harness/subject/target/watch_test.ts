import { assertEquals, assertStringIncludes } from "@std/assert";
import { type Case, makeTarget, runCases, type Target } from "../../mod.ts";
import { echo } from "../../cli/_test_utils.ts";
import { TargetWatch } from "./watch.ts";
import { assertDownMidRun, connects, downMidRun, onFreshPort } from "./_test_utils.ts";
import { listenOnFreePort } from "../../program/free_port.ts";

/** Runs `cases` one or more at a time against `target` under a TargetWatch, as `--target` does. */
async function watched(cases: Case[], target: Target, concurrency = 1) {
  const watch = new TargetWatch(target, 1000);
  const report = await runCases(cases, {
    targets: { tcp: target },
    profile: echo,
    seed: 1,
    concurrency,
    timeoutMs: 1000,
    ...watch.hooks(),
  });
  return { watch, report };
}

Deno.test("TargetWatch: a target that goes down fails the case in flight and ends the rest unrun", async () => {
  await onFreshPort(async ({ target, down }) => {
    const { report } = await watched(downMidRun(down), target);
    return () => {
      assertDownMidRun(report, target.url);
      assertStringIncludes(report.cases[1].message, "by this case's first connect");
      // Not run at all (no wall-clock bound, which a loaded machine could eat): no time spent.
      assertEquals(report.cases[3].durationMs, 0);
    };
  });
});

Deno.test("TargetWatch: a target that never served is left to each case", async () => {
  const listener = listenOnFreePort(); // a closed port of the ephemeral range may self-connect
  const target = makeTarget("tcp", "127.0.0.1", listener.addr.port);
  listener.close();
  const { watch, report } = await watched([connects("demo.one"), connects("demo.two")], target);
  assertEquals(report.cases.map((c) => c.outcome), ["error", "error"]);
  assertEquals(watch.down, undefined);
});

Deno.test("TargetWatch: a target that dies after the run's first connect fails the first case only", async () => {
  const listener = listenOnFreePort();
  const dying = (async () => {
    const conn = await listener.accept(); // the run's first look
    conn.close();
    listener.close();
  })();
  const target = makeTarget("tcp", "127.0.0.1", listener.addr.port);
  const { watch, report } = await watched([connects("demo.one"), connects("demo.two")], target);
  await dying;
  assertEquals(report.cases.map((c) => c.outcome), ["fail", "error"]);
  assertStringIncludes(
    report.cases[0].message,
    "stopped accepting connections by this case's first connect",
  );
  assertEquals(watch.down?.since, "demo.one");
});

Deno.test("TargetWatch: a target that dies under cases side by side is blamed on one, whichever ends first", async () => {
  for (const slowFirst of [true, false]) {
    await onFreshPort(async ({ target, down }) => {
      const both = Promise.withResolvers<void>();
      let connected = 0;
      // Each connects once (the target served), waits for the other, then connects again after
      // the server went down; `slow` waits a moment first, so the two end in either order.
      const twice = (id: string, slow: boolean): Case => ({
        id,
        title: id,
        requirement: "The server accepts",
        appliesTo: { transport: "tcp" },
        async run(t) {
          await (await t.connect()).close();
          if (++connected === 2) {
            await down();
            both.resolve();
          }
          await both.promise;
          if (slow) await t.sleep(300);
          await (await t.connect()).close();
        },
      });
      const { report } = await watched(
        [twice("demo.b", slowFirst), twice("demo.a", !slowFirst)],
        target,
        2,
      );
      return () => {
        assertEquals(report.cases.map((c) => `${c.id}: ${c.outcome}`), [
          "demo.b: skip",
          "demo.a: fail",
        ]);
        assertStringIncludes(report.cases[1].message, "The target stopped accepting connections");
        assertStringIncludes(report.cases[0].message, "(blamed on demo.a)");
      };
    });
  }
});
