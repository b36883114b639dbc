/**
 * No false verdicts: correct servers written by others than the reference (a fork-per-client C
 * echo server, and socat forking `cat`) get no `fail` and no `error` from any TCP group, run after
 * run. Skipped, with a message, where `cc` or `socat` is missing.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { findCompiler, findExecutable, startCServer } from "../fixtures/c/compile.ts";
import type { Served } from "../fixtures/serve.ts";
import { type Params, parseTarget, runCases, selectCases } from "../harness/mod.ts";
import { ALL_CASES } from "./mod.ts";
import { echo } from "../harness/cli/_test_utils.ts";
import { selfTest } from "./_self_check.ts";
import { freePort } from "../fixtures/free_port.ts";

/** Consecutive runs each server must get through. */
const RUNS = 10;

/** Every TCP group; churn is shortened so ten runs stay quick. */
const TCP_CASES = selectCases(ALL_CASES, ["tcp"], []);
const PARAMS: Params = { churn: 300, clients: 50 };

/** How long socat gets to start listening. */
const START_MS = 5000;

const cc = findCompiler();
const socat = findExecutable("socat");
if (!cc) console.warn("real servers: C echo skipped, no C compiler (cc) on PATH or no --allow-run");
if (!socat) console.warn("real servers: socat skipped, no socat on PATH or no --allow-run");

/** Runs the TCP groups `RUNS` times against `served` and lists every fail and error. */
async function verdicts(served: Served, params: Params): Promise<string[]> {
  const bad: string[] = [];
  for (let run = 1; run <= RUNS; run++) {
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
}

selfTest({
  name: "a fork-per-client C echo server gets no fail or error in 10 runs of the TCP groups",
  ignore: !cc,
  async fn() {
    await using served = await startCServer("echo_fork");
    assertEquals(await verdicts(served, PARAMS), []);
  },
});

selfTest({
  name: "socat forking cat gets no fail or error in 10 runs of the TCP groups",
  ignore: !socat,
  async fn() {
    await using served = await startSocat(socat!);
    // socat's listen(fd, 5) queue cannot absorb 128 simultaneous connects: some clients wait
    // for SYN retransmissions. That is allowed (a warn from tcp.backlog.burst), never a fail.
    assertEquals(await verdicts(served, PARAMS), []);
  },
});

/** Starts `socat TCP-LISTEN:PORT,fork,reuseaddr EXEC:cat` on a free loopback port. */
async function startSocat(path: string): Promise<Served> {
  const port = freePort("tcp");
  const child = new Deno.Command(path, {
    args: [`TCP-LISTEN:${port},fork,reuseaddr,bind=127.0.0.1`, "EXEC:cat"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
    })();
  try {
    const until = performance.now() + START_MS;
    while (true) {
      try {
        const c = await Deno.connect({ hostname: "127.0.0.1", port });
        c.close();
        break;
      } catch (e) {
        if (performance.now() > until) {
          throw new Error(`socat did not listen on 127.0.0.1:${port} within ${START_MS} ms`, {
            cause: e,
          });
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
