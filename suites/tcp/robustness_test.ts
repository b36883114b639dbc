import { assertEquals, assertStringIncludes } from "@std/assert";
import { leaksFds } from "../../fixtures/mutants/leaks_fds.ts";
import { trustsLength } from "../../fixtures/mutants/trusts_length.ts";
import { runCase } from "../../harness/mod.ts";
import { PROFILES } from "../../harness/subject/profiles.ts";
import { churn, hugeLength } from "./robustness.ts";
import { selfTest } from "../_self_check.ts";

selfTest("churn names the cycle where a leaking server stopped serving", async () => {
  await using served = await leaksFds.start();
  const r = await runCase(churn, {
    targets: served.targets,
    profile: PROFILES.echo,
    seed: 1,
    timeoutMs: 300,
    params: { churn: 150 },
  });
  assertEquals(r.outcome, "fail");
  // The run's first connect and the single-client probe before the load take two of the 100
  // descriptors; cycle 99 only connects and closes (the kernel completes it); cycle 100 asks for
  // a reply.
  assertStringIncludes(r.message, "Cycle 100 of 150 failed after 99 completed");
});

selfTest("hugeLength fails while the stalled client is still connected", async () => {
  await using served = await trustsLength.start();
  const r = await runCase(hugeLength, {
    targets: served.targets,
    profile: PROFILES.lp16,
    seed: 1,
    timeoutMs: 300,
  });
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "0xFFFF with no body and stayed connected");
});
