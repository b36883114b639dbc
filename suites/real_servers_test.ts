/**
 * No false verdicts: a correct server written by others than the reference (a fork-per-client C
 * echo server) gets no `fail` and no `error` from any TCP group, run after run. Skipped, with a
 * message, where `cc` is missing. socat's forking `cat` has a test of its own (`socat_test.ts`), so
 * the two run side by side under `deno test --parallel`.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { findCompiler, startCServer } from "../fixtures/c/compile.ts";
import type { Params } from "../harness/mod.ts";
import { selfTest } from "./_self_check.ts";
import { falseVerdicts } from "./_test_utils.ts";

/** Consecutive runs the server must get through. */
const RUNS = 4;

/** Churn is shortened so the runs stay quick. */
const PARAMS: Params = { churn: 300, clients: 50 };

const cc = findCompiler();
if (!cc) console.warn("real servers: C echo skipped, no C compiler (cc) on PATH or no --allow-run");

selfTest({
  name: "a fork-per-client C echo server gets no fail or error in 4 runs of the TCP groups",
  ignore: !cc,
  async fn() {
    assertEquals(await falseVerdicts(() => startCServer("echo_fork"), PARAMS, { runs: RUNS }), []);
  },
});
