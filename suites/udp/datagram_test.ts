import { assertEquals, assertStringIncludes } from "@std/assert";
import { echoUdp } from "../../fixtures/references/echo.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { runCase } from "../../harness/mod.ts";
import { echo } from "../../harness/cli/_test_utils.ts";
import { delivery, sizes, zeroLength } from "./datagram.ts";
import { selfTest } from "../_self_check.ts";

selfTest(
  "udp.datagram.sizes names the size that came back cut and the buffer that cut it",
  async () => {
    await using served = serve({ udp: echoUdp, udpOptions: { bufferSize: 4096 } });
    const r = await runCase(sizes, { targets: served.targets, profile: echo, seed: 1 });
    assertEquals(r.outcome, "fail");
    assertStringIncludes(
      r.message,
      "8192-byte datagram came back as 4096 bytes: the server's receive buffer is 4096 bytes",
    );
  },
);

selfTest("udp.datagram.zero-length is a warn without --strict and a fail with it", async () => {
  await using served = serve({
    udp: async (data, from, socket) => {
      if (data.length > 0) await socket.send(data, from);
    },
  });
  const options = { targets: served.targets, profile: echo, seed: 1, timeoutMs: 200 };
  assertEquals((await runCase(zeroLength, options)).outcome, "warn");
  assertEquals((await runCase(zeroLength, { ...options, strict: true })).outcome, "fail");
});

selfTest("udp.datagram.delivery reports the reply rate and latency percentiles", async () => {
  let n = 0;
  await using served = serve({
    udp: async (data, from, socket) => {
      if (++n % 4 !== 0) await socket.send(data, from); // every fourth datagram is lost
    },
  });
  const r = await runCase(delivery, {
    targets: served.targets,
    profile: echo,
    seed: 1,
    timeoutMs: 100,
  });
  assertEquals(r.outcome, "info");
  assertEquals((r.data as { answered: number }).answered, 150);
  assertStringIncludes(r.message, "150 of 200 datagrams answered (75%)");
  assertStringIncludes(r.message, "p99");
});
