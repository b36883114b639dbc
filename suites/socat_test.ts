/**
 * No false verdicts from a server sockspec did not write: socat forking `cat` gets no `fail` and
 * no `error` from any TCP group, run after run. Skipped, with a message, where `socat` is missing.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { findExecutable } from "../fixtures/c/compile.ts";
import type { Params } from "../harness/mod.ts";
import { selfTest } from "./_self_check.ts";
import { falseVerdicts, startSocat } from "./_test_utils.ts";

/** Runs socat must get through: two socat servers, two consecutive runs each, side by side. */
const RUNS = 4;
const LANES = 2;

/**
 * Churn is shortened so the runs stay quick. A burst of 16 still overflows socat's listen(fd, 5)
 * queue, so clients wait for a SYN resend (1 s) as with the default 128, but not for the second
 * one (3 s later), which made each run 3 s longer.
 */
const PARAMS: Params = { churn: 300, clients: 50, burst: 16 };

const socat = findExecutable("socat");
if (!socat) console.warn("real servers: socat skipped, no socat on PATH or no --allow-run");

selfTest({
  name: "socat forking cat gets no fail or error in 4 runs of the TCP groups",
  ignore: !socat,
  async fn() {
    // socat's listen(fd, 5) queue cannot absorb a burst of simultaneous connects: some clients wait
    // for SYN retransmissions. That is allowed (a warn from tcp.backlog.burst), never a fail.
    const found = await falseVerdicts(() => startSocat(socat!), PARAMS, {
      runs: RUNS,
      lanes: LANES,
    });
    assertEquals(found, []);
  },
});
