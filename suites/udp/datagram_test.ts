import { assertEquals, assertStringIncludes } from "@std/assert";
import { echoUdp } from "../../fixtures/references/echo.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { runCase } from "../../harness/mod.ts";
import { echo } from "../../harness/cli/_test_utils.ts";
import { delivery, sizes, zeroLength } from "./datagram.ts";
import { selfTest } from "../_self_check.ts";

selfTest("udp.datagram.sizes names every size that came back cut and the buffer", async () => {
  await using served = serve({ udp: echoUdp, udpOptions: { bufferSize: 2048 } });
  for (let run = 0; run < 3; run++) {
    const r = await runCase(sizes, { targets: served.targets, profile: echo, seed: 1 });
    assertEquals(r.outcome, "fail");
    assertStringIncludes(
      r.message,
      "2 of 5 sizes failed: every datagram longer than 2048 bytes came back as its first 2048 " +
        "bytes (8192 → 2048, 65507 → 2048 bytes): the server's receive buffer is 2048 bytes",
    );
  }
});

selfTest("udp.datagram.sizes names a lost reply beside the cut ones, not instead", async () => {
  await using served = serve({
    udp: async (data, from, socket) => {
      if (data.length !== 1472) await socket.send(data.subarray(0, 2048), from);
    },
  });
  const r = await runCase(sizes, {
    targets: served.targets,
    profile: echo,
    seed: 1,
    timeoutMs: 300,
  });
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "3 of 5 sizes failed: every datagram longer than 2048 bytes");
  assertStringIncludes(r.message, "a 1472-byte datagram got no reply within 300 ms");
});

selfTest("udp.datagram.sizes names the one size that came back cut", async () => {
  await using served = serve({ udp: echoUdp, udpOptions: { bufferSize: 10000 } });
  const r = await runCase(sizes, { targets: served.targets, profile: echo, seed: 1 });
  assertEquals(r.outcome, "fail");
  assertStringIncludes(
    r.message,
    "65507-byte datagram came back as 10000 bytes: the server's receive buffer is 10000 bytes",
  );
});

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
