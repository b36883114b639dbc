/**
 * Real UDP servers, not ours: `socat UDP-RECVFROM:PORT,fork EXEC:cat` is a UDP echo server (one
 * child per datagram, answering from the listening socket). It must get no false verdict from the
 * `udp.*` cases under the echo profile. Skipped, with a message, where socat is not installed.
 *
 * Two true findings about socat are asserted as such: its default 8192-byte buffer (`-b`) cuts a
 * 65 507-byte datagram, so the clean run uses `-b 65536`; and a child that receives an empty
 * datagram never finishes and keeps taking every later datagram from the shared socket, answering
 * only its own peer, so the server stops serving everyone else.
 *
 * Every run gives socat `-t 30`. A child hands its datagram to `cat` and then waits `-t` seconds
 * (0.5 by default) for `cat`'s answer before it exits, answer or not: on a loaded machine (50
 * clients at once, each a fork and an exec of `cat`, beside a second test run) a `cat` that took
 * longer lost its reply, a false verdict that was socat's setting, not the cases'. A child whose
 * `cat` answers exits at once, so the longer wait costs nothing.
 *
 * @module
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { sleep } from "../harness/_deadline.ts";
import { type CaseResult, formatTarget, probeUdp, runCases, spawnGuarded } from "../harness/mod.ts";
import { echo } from "../harness/cli/_test_utils.ts";
import { udpCases } from "./udp/mod.ts";
import { selfTest } from "./_self_check.ts";
import { freePort } from "../harness/program/free_port.ts";

function hasSocat(): boolean {
  try {
    return new Deno.Command("socat", { args: ["-V"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const SOCAT = hasSocat();
const SKIP_MESSAGE = "socat is not installed: the real-server checks did not run";
if (!SOCAT) console.warn(`real_udp_servers_test.ts: ${SKIP_MESSAGE}`);

/** How long socat gets to answer its first datagram: it returns at the answer, loaded or not. */
const START_MS = 30_000;

/** Starts `socat -t 30 [options] UDP-RECVFROM:PORT,fork EXEC:cat` and waits until it answers. */
async function startSocat(options: string[]) {
  const port = freePort("udp");
  // Guarded: a test run killed with SIGKILL does not leave socat running. socat forks a child per
  // datagram, and each child runs cat: stopping its process group ends them all.
  const socat = spawnGuarded("socat", {
    args: ["-t", "30", ...options, `UDP-RECVFROM:${port},bind=127.0.0.1,fork`, "EXEC:cat"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  const stop = async () => {
    await socat.stop("SIGTERM");
  };
  try {
    const target = { host: "127.0.0.1", port };
    let exited = false;
    socat.child.status.then(() => exited = true);
    const until = performance.now() + START_MS;
    while (!exited && performance.now() < until) {
      const r = await probeUdp(target, [new TextEncoder().encode("up?")], { windowMs: 100 });
      if (r.kind === "reply") {
        const udp = {
          transport: "udp" as const,
          ...target,
          url: formatTarget("udp", "127.0.0.1", port),
        };
        return { targets: { udp }, stop };
      }
      await sleep(50);
    }
    throw new Error(
      exited ? "socat exited before it answered" : `socat did not answer within ${START_MS} ms`,
    );
  } catch (e) {
    await stop();
    throw e;
  }
}

const lines = (cases: CaseResult[]) => cases.map((c) => `${c.id}: ${c.outcome}: ${c.message}`);

selfTest({
  name: "socat -b 65536 UDP-RECVFROM,fork EXEC:cat gets no false verdict from udp.* (echo)",
  ignore: !SOCAT,
  async fn() {
    const socat = await startSocat(["-b", "65536"]);
    try {
      const cases = udpCases.filter((c) => c.id !== "udp.datagram.zero-length");
      const report = await runCases(cases, { targets: socat.targets, profile: echo, seed: 1 });
      const bad = report.cases.filter((c) => !["pass", "info"].includes(c.outcome));
      assertEquals(lines(bad), []);
      assertEquals(
        report.summary.pass,
        cases.length - 1,
        "every case but the delivery measurement passes",
      );
    } finally {
      await socat.stop();
    }
  },
});

selfTest({
  name: "an empty datagram wedges socat UDP-RECVFROM,fork, and udp.datagram.zero-length says so",
  ignore: !SOCAT,
  async fn() {
    const socat = await startSocat(["-b", "65536"]);
    try {
      const [zero] = udpCases.filter((c) => c.id === "udp.datagram.zero-length");
      const report = await runCases([zero], {
        targets: socat.targets,
        profile: echo,
        seed: 1,
        timeoutMs: 500,
      });
      assertEquals(report.cases[0].outcome, "fail", report.cases[0].message);
      assertStringIncludes(
        report.cases[0].message,
        "After an empty datagram, a fresh client was not served",
      );
    } finally {
      await socat.stop();
    }
  },
});

selfTest({
  name: "socat with its default 8192-byte buffer is caught cutting a 65507-byte datagram",
  ignore: !SOCAT,
  async fn() {
    const socat = await startSocat([]);
    try {
      const [sizes] = udpCases.filter((c) => c.id === "udp.datagram.sizes");
      const report = await runCases([sizes], { targets: socat.targets, profile: echo, seed: 1 });
      assertEquals(report.cases[0].outcome, "fail");
      assertStringIncludes(
        report.cases[0].message,
        "65507-byte datagram came back as 8192 bytes: the server's receive buffer is 8192 bytes",
      );
    } finally {
      await socat.stop();
    }
  },
});
