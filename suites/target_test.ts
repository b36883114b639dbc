/**
 * `deno test` against a target: one Deno test per applicable case, named by its id, failing
 * exactly when `conform` would count the case against the run.
 *
 *     SOCKSPEC_TARGET="tcp://H:P udp://H:P" SOCKSPEC_PROFILE=echo deno test --allow-net --allow-env suites/
 *
 * With no SOCKSPEC_TARGET the same tests run against the profile's embedded reference servers.
 * SOCKSPEC_SEED fixes the seed (default: random, printed in every failure). The tests are
 * registered by the package's testing entry, `conformanceTests()`. A client program instead:
 *
 *     SOCKSPEC_CLIENT="./client {host} {port}" SOCKSPEC_TRANSPORT=tcp deno test -A suites/
 *
 * A server program that each test launches on fresh ports and kills after (`SOCKSPEC_CWD` and
 * `SOCKSPEC_BUILD` optional; the build runs once):
 *
 *     SOCKSPEC_EXEC="./server {port}" SOCKSPEC_BUILD=make deno test -A suites/target_test.ts
 *
 * @module
 */
import { loadProfile } from "../harness/subject/profiles.ts";
import { conformanceTests } from "../harness/package/testing.ts";

const target = Deno.env.get("SOCKSPEC_TARGET")?.trim() ?? "";
const client = Deno.env.get("SOCKSPEC_CLIENT")?.trim() || undefined;
const command = Deno.env.get("SOCKSPEC_EXEC")?.trim() || undefined;
const exec = command && {
  command,
  cwd: Deno.env.get("SOCKSPEC_CWD") || undefined,
  build: Deno.env.get("SOCKSPEC_BUILD") || undefined,
};
const transport = Deno.env.get("SOCKSPEC_TRANSPORT") || undefined;
const profile = await loadProfile(Deno.env.get("SOCKSPEC_PROFILE") ?? "echo");
const seed = Number(Deno.env.get("SOCKSPEC_SEED") ?? Math.floor(Math.random() * 2 ** 31));

conformanceTests({
  target,
  client,
  transport,
  exec,
  profile,
  seed,
  reproduce: (id) =>
    exec
      ? `SOCKSPEC_EXEC='${exec.command}'${exec.cwd ? ` SOCKSPEC_CWD='${exec.cwd}'` : ""} ` +
        `SOCKSPEC_PROFILE=${profile.name} SOCKSPEC_SEED=${seed} deno test -A suites/target_test.ts --filter "${id}"`
      : client
      ? `SOCKSPEC_CLIENT='${client}'${
        transport ? ` SOCKSPEC_TRANSPORT=${transport}` : ""
      } SOCKSPEC_PROFILE=${profile.name} SOCKSPEC_SEED=${seed} deno test -A suites/target_test.ts --filter "${id}"`
      : `SOCKSPEC_TARGET="${target}" SOCKSPEC_PROFILE=${profile.name} SOCKSPEC_SEED=${seed} deno test --allow-net --allow-env suites/target_test.ts --filter "${id}"`,
});
