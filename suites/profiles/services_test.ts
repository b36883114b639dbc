import { assertEquals } from "@std/assert";
import { serve } from "../../fixtures/references/serve.ts";
import { runCases } from "../../harness/mod.ts";
import { portsCases } from "../ports.ts";
import { serviceCases } from "../services/mod.ts";
import { udpCases } from "../udp/mod.ts";
import { echo, servicesProfiles } from "../../harness/cli/_test_utils.ts";
import { selfTest } from "../_self_check.ts";

/** The cases this profile set is about: UDP, ports and the services. */
const CASES = [...udpCases, ...portsCases, ...serviceCases];

/** Consecutive runs each reference must pass: a false verdict shows up as a flake. */
const RUNS = 10;

for (const profile of [echo, ...servicesProfiles]) {
  selfTest(
    `the ${profile.name} reference passes the UDP, ports and service cases ${RUNS} times in a row`,
    async () => {
      await using served = serve(profile.reference!);
      for (let run = 1; run <= RUNS; run++) {
        const report = await runCases(CASES, { targets: served.targets, profile, seed: run });
        const bad = report.cases.filter((c) => !["pass", "skip", "info"].includes(c.outcome));
        assertEquals(bad.map((c) => `run ${run}: ${c.id}: ${c.outcome}: ${c.message}`), []);
        assertEquals(report.summary.pass > 0, true);
      }
    },
  );
}

selfTest("each service profile has its own cases and skips the request/reply ones", async () => {
  for (const profile of servicesProfiles) {
    await using served = serve(profile.reference!);
    const report = await runCases(CASES, { targets: served.targets, profile, seed: 1 });
    const passed = report.cases.filter((c) => c.outcome === "pass").map((c) => c.id);
    assertEquals(
      passed.filter((id) => id.startsWith("services.")).sort(),
      [`services.${profile.name}.tcp`, `services.${profile.name}.udp`],
    );
    const udp = report.cases.filter((c) => c.id.startsWith("udp."));
    assertEquals(udp.every((c) => c.outcome === "skip"), true);
  }
});
