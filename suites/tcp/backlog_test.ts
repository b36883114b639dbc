import { assertEquals, assertStringIncludes } from "@std/assert";
import { startBacklogServer } from "../../fixtures/backlog_server.ts";
import { echoTcp } from "../../fixtures/references/echo.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { parseTarget, runCase } from "../../harness/mod.ts";
import { echo } from "../../harness/cli/_test_utils.ts";
import { burst, measure } from "./backlog.ts";
import { selfTest } from "../_self_check.ts";

selfTest("measure counts 3 waiting handshakes behind a real listen(fd, 2)", async () => {
  await using server = startBacklogServer(2);
  const tcp = parseTarget(`tcp://127.0.0.1:${server.port}`);
  const r = await runCase(measure, { targets: { tcp }, profile: echo, seed: 1 });
  assertEquals(r.outcome, "info", r.message);
  assertEquals(r.data?.effectiveBacklog, 3, r.message);
  assertEquals(r.data?.keepsAccepting, false);
  assertStringIncludes(r.message, "effective backlog 3");
});

selfTest("measure counts n + 1 for other backlogs too", async () => {
  for (const n of [0, 5]) {
    await using server = startBacklogServer(n);
    const tcp = parseTarget(`tcp://127.0.0.1:${server.port}`);
    const r = await runCase(measure, { targets: { tcp }, profile: echo, seed: 1 });
    assertEquals(r.data?.effectiveBacklog, n + 1, r.message);
  }
});

selfTest("measure reports a concurrent server as one that keeps accepting", async () => {
  await using served = serve({ tcp: echoTcp });
  const r = await runCase(measure, { targets: served.targets, profile: echo, seed: 1 });
  assertEquals(r.outcome, "info", r.message);
  assertEquals(r.data?.keepsAccepting, true);
  assertStringIncludes(r.message, "keeps accepting (concurrent)");
});

selfTest(
  "burst warns about a server that takes one client at a time behind listen(fd, 2)",
  async () => {
    await using server = startBacklogServer(2);
    const tcp = parseTarget(`tcp://127.0.0.1:${server.port}`);
    const r = await runCase(burst, {
      targets: { tcp },
      profile: echo,
      seed: 1,
      timeoutMs: 500,
      params: { burst: 16 },
    });
    // Clients left waiting in a small queue are allowed but poor: a warn, naming how many were served.
    assertEquals(r.outcome, "warn", r.message);
    assertStringIncludes(r.message, "Of 16 simultaneous connects");
    assertStringIncludes(r.message, "The server served a fresh client afterwards");
  },
);
