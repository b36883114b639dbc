import { assertEquals, assertStringIncludes } from "@std/assert";
import { runCase } from "../../harness/mod.ts";
import { echo } from "../../harness/cli/_test_utils.ts";
import { selfTest } from "../_self_check.ts";
import { refused } from "./tcp.ts";
import { lostRequest } from "./udp.ts";

selfTest("a client that sent no datagram is told the facts, not asked about TCP", async () => {
  const r = await runCase(lostRequest, {
    targets: {},
    profile: echo,
    seed: 1,
    client: { command: "true {host} {port}", transport: "udp" },
  });
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "The client sent no datagram to UDP 127.0.0.1:");
  assertStringIncludes(r.message, "; it exited with status 0 after ");
  assertEquals(r.message.includes("TCP"), false, r.message);
});

selfTest(
  "a refused client that then says broken pipe is warned its connect() is unchecked",
  async () => {
    const r = await runCase(refused, {
      targets: {},
      profile: echo,
      seed: 1,
      client: {
        command: "sh -c 'echo \"client: send: Broken pipe\" >&2; exit 1' {host} {port}",
        transport: "tcp",
      },
    });
    assertEquals(r.outcome, "warn", r.message);
    assertStringIncludes(r.message, "connect()'s result is not checked");
  },
);
