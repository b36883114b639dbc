/**
 * Helpers for the suites' own tests: the mutant half of the case↔mutant matrix (registered by two
 * files, so `deno test --parallel` runs them side by side), and for the tests that run the TCP
 * groups against correct servers sockspec did not write (`real_servers_test.ts`, `socat_test.ts`):
 * run them again and again, list every false verdict.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import type { Mutant } from "../fixtures/mutant.ts";
import { loadMutants } from "../fixtures/mutants/tcp_load.ts";
import { udpMutants } from "../fixtures/mutants/udp_services.ts";
import type { Served } from "../fixtures/references/serve.ts";
import { type Params, parseTarget, runCases, selectCases, spawnGuarded } from "../harness/mod.ts";
import { echo } from "../harness/cli/_test_utils.ts";
import { PROFILES } from "../harness/subject/profiles.ts";
import { freePort } from "../harness/program/free_port.ts";
import { selfTest } from "./_self_check.ts";
import { ALL_CASES } from "./mod.ts";

/** Smaller loads for the matrix runs, so the matrix stays quick. */
export const MATRIX_PARAMS: Params = { clients: 50, churn: 300, burst: 64 };

/** The mutants `matrix_load_udp_test.ts` proves; `matrix_test.ts` proves every other one. */
export const LOAD_AND_UDP_MUTANTS: readonly Mutant[] = [...loadMutants, ...udpMutants];

/**
 * Registers one test per mutant: it fails each case it exists for, each case against a fresh
 * mutant (a mutant that crashes must not hand the next case a dead port).
 */
export function mutantTests(mutants: readonly Mutant[]): void {
  for (const mutant of mutants) {
    selfTest(`mutant ${mutant.name} fails ${mutant.catches.join(", ")}`, async (t) => {
      const profile = PROFILES[mutant.profile];
      assertEquals(profile !== undefined, true, `unknown profile ${mutant.profile}`);
      const cases = ALL_CASES.filter((c) => mutant.catches.includes(c.id));
      assertEquals(
        cases.map((c) => c.id).sort(),
        [...mutant.catches].sort(),
        "every caught case exists",
      );
      for (const c of cases) {
        await t.step(c.id, async () => {
          await using served = await mutant.start();
          const report = await runCases([c], {
            targets: served.targets,
            profile,
            seed: 1,
            strict: mutant.strict,
            timeoutMs: 1000,
            params: { ...MATRIX_PARAMS, ...mutant.params },
          });
          const r = report.cases[0];
          assertEquals(r.outcome, "fail", `${r.id}: ${r.outcome}: ${r.message}`);
        });
      }
    });
  }
}

/** Every TCP group. */
const TCP_CASES = selectCases(ALL_CASES, ["tcp"], []);

/** How long socat gets to start listening: the wait ends when it listens, loaded or not. */
const START_MS = 30_000;

/**
 * Runs the TCP groups `runs` times (seeds 1, 2, …) and lists every fail and error. The runs go in
 * `lanes` at once, each lane on a server of its own from `start`, its runs one after another.
 */
export async function falseVerdicts(
  start: () => Promise<Served>,
  params: Params,
  options: { runs: number; lanes?: number },
): Promise<string[]> {
  const lanes = options.lanes ?? 1;
  const lane = async (first: number) => {
    await using served = await start();
    const bad: string[] = [];
    for (let run = first; run <= options.runs; run += lanes) {
      const report = await runCases(TCP_CASES, {
        targets: served.targets,
        profile: echo,
        seed: run,
        params,
      });
      for (const c of report.cases) {
        if (c.outcome === "fail" || c.outcome === "error") {
          bad.push(`run ${run}: ${c.id}: ${c.outcome}: ${c.message}`);
        }
      }
    }
    return bad;
  };
  const found = await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i + 1)));
  return found.flat();
}

/**
 * Starts `socat -t 30 TCP-LISTEN:PORT,fork,reuseaddr EXEC:cat` on a free loopback port. After a
 * client's EOF a socat child waits `-t` seconds (0.5 by default) for the rest of `cat`'s output,
 * then closes, sent or not: on a loaded machine `cat` can take longer, and the reply after a
 * half-close came back cut. A child whose `cat` is done closes at once, so 30 s costs nothing.
 */
export async function startSocat(path: string): Promise<Served> {
  const port = freePort("tcp");
  // Guarded: a test run killed with SIGKILL does not leave socat (and its forks) running.
  const socat = spawnGuarded(path, {
    args: ["-t", "30", `TCP-LISTEN:${port},fork,reuseaddr,bind=127.0.0.1`, "EXEC:cat"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  const close = async () => {
    await socat.stop("SIGTERM");
  };
  let exited = false;
  socat.child.status.then(() => exited = true);
  try {
    const until = performance.now() + START_MS;
    while (true) {
      try {
        const c = await Deno.connect({ hostname: "127.0.0.1", port });
        c.close();
        break;
      } catch (e) {
        if (exited || performance.now() > until) {
          throw new Error(
            exited
              ? `socat exited before it listened on 127.0.0.1:${port}`
              : `socat did not listen on 127.0.0.1:${port} within ${START_MS} ms`,
            { cause: e },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  const tcp = parseTarget(`tcp://127.0.0.1:${port}`);
  return { targets: { tcp }, close, [Symbol.asyncDispose]: close };
}
