import { assertEquals, assertStringIncludes } from "@std/assert";
import { echoTcp } from "../../fixtures/references/echo.ts";
import { globalConn } from "../../fixtures/mutants/global_conn.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { runCase } from "../../harness/mod.ts";
import { echo } from "../../harness/cli/_test_utils.ts";
import { idleClient, manyClients, slowReader } from "./concurrency.ts";
import { selfTest } from "../_self_check.ts";

selfTest("manyClients calls out a reply that went to another client", async () => {
  await using served = await globalConn.start();
  const r = await runCase(manyClients, {
    targets: served.targets,
    profile: echo,
    seed: 1,
    timeoutMs: 300,
    params: { clients: 8 },
  });
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "cross-talk between connections");
});

selfTest("manyClients names every client left out, not only the first", async () => {
  let n = 0;
  await using served = serve({
    tcp: async (conn, signal) => {
      if (++n % 3 === 0) return; // every third connection is closed at once
      await echoTcp(conn, signal);
    },
  });
  const r = await runCase(manyClients, {
    targets: served.targets,
    profile: echo,
    seed: 1,
    timeoutMs: 300,
    params: { clients: 9 },
  });
  assertEquals(r.outcome, "fail");
  const [, gotOwn, all] = r.message.match(/^(\d+) of (\d+) clients got their own reply/) ?? [];
  const named = r.message.match(/\bc\d+\b/g) ?? [];
  assertEquals(named.length >= 2, true, r.message);
  assertEquals(named.length, Number(all) - Number(gotOwn), r.message);
  assertStringIncludes(r.message, "got the connection closed");
});

selfTest("manyClients serves 1000 clients of the reference echo", async () => {
  await using served = serve({ tcp: echoTcp });
  const r = await runCase(manyClients, {
    targets: served.targets,
    profile: echo,
    seed: 1,
    params: { clients: 1000 },
  });
  assertEquals(r.outcome, "pass", r.message);
});

selfTest(
  "idleClient and slowReader fail an iterative server and name the stalled client",
  async () => {
    await using served = serve({ tcp: echoTcp, tcpOptions: { iterative: true } });
    for (const c of [idleClient, slowReader]) {
      const r = await runCase(c, {
        targets: served.targets,
        profile: echo,
        seed: 1,
        timeoutMs: 300,
      });
      assertEquals(r.outcome, "fail", `${c.id}: ${r.message}`);
      assertStringIncludes(r.message, "B was not served: No reply to B");
    }
  },
);
