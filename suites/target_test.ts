/**
 * `deno test` against a target: one Deno test per applicable case, named by its id, failing
 * exactly when `conform` would count the case against the run.
 *
 *     SOCKSPEC_TARGET="tcp://H:P udp://H:P" SOCKSPEC_PROFILE=echo deno test --allow-net --allow-env suites/
 *
 * With no SOCKSPEC_TARGET the same tests run against the profile's embedded reference servers.
 * SOCKSPEC_SEED fixes the seed (default: random, printed in every failure). The tests are
 * registered by the package's testing entry, `conformanceTests()`.
 *
 * @module
 */
import { loadProfile } from "../harness/cli/profiles.ts";
import { conformanceTests } from "../harness/cli/testing.ts";

const target = Deno.env.get("SOCKSPEC_TARGET")?.trim() ?? "";
const profile = await loadProfile(Deno.env.get("SOCKSPEC_PROFILE") ?? "echo");
const seed = Number(Deno.env.get("SOCKSPEC_SEED") ?? Math.floor(Math.random() * 2 ** 31));

conformanceTests({
  target,
  profile,
  seed,
  reproduce: (id) =>
    `SOCKSPEC_TARGET="${target}" SOCKSPEC_PROFILE=${profile.name} SOCKSPEC_SEED=${seed} deno test --allow-net --allow-env suites/target_test.ts --filter "${id}"`,
});
