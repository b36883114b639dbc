/**
 * `deno test` against a target: one Deno test per applicable case, named by its id, failing
 * exactly when `conform` would say fail or error.
 *
 *     SOCKSPEC_TARGET="tcp://H:P udp://H:P" SOCKSPEC_PROFILE=echo deno test --allow-net --allow-env suites/
 *
 * With no SOCKSPEC_TARGET the same tests run against the profile's embedded reference servers.
 * SOCKSPEC_SEED fixes the seed (default: random, printed in every failure).
 *
 * @module
 */
import { serve } from "../fixtures/serve.ts";
import { caseDetail } from "../reports/console.ts";
import { loadProfile } from "../harness/cli/profiles.ts";
import { notApplicable, parseTargets, runCase, type Targets } from "../harness/mod.ts";
import { ALL_CASES } from "./mod.ts";

const targetEnv = Deno.env.get("SOCKSPEC_TARGET")?.trim();
const profile = await loadProfile(Deno.env.get("SOCKSPEC_PROFILE") ?? "echo");
const seed = Number(Deno.env.get("SOCKSPEC_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const remote: Targets | null = targetEnv ? parseTargets(targetEnv.split(/\s+/)) : null;
const declared: Targets = remote ?? {
  tcp: profile.reference?.tcp
    ? { transport: "tcp", host: "127.0.0.1", port: 1, url: "" }
    : undefined,
  udp: profile.reference?.udp
    ? { transport: "udp", host: "127.0.0.1", port: 1, url: "" }
    : undefined,
};

for (const c of ALL_CASES) {
  if (notApplicable(c, declared, profile)) continue;
  Deno.test(c.id, async () => {
    await using served = remote ? null : serve(profile.reference ?? {});
    const targets = remote ?? served!.targets;
    const env = [targets.tcp?.url, targets.udp?.url].filter(Boolean).join(" ");
    const result = await runCase(c, {
      targets,
      profile,
      seed,
      reproduce: (id) =>
        `SOCKSPEC_TARGET="${env}" SOCKSPEC_PROFILE=${profile.name} SOCKSPEC_SEED=${seed} deno test --allow-net --allow-env suites/target_test.ts --filter "${id}"`,
    });
    if (result.outcome === "fail" || result.outcome === "error") {
      throw new Error(caseDetail(result).join("\n"));
    }
  });
}
