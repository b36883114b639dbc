import { assertEquals, assertStringIncludes } from "@std/assert";
import { discardTcp, discardUdp } from "../fixtures/references/discard.ts";
import { echoTcp, echoUdp } from "../fixtures/references/echo.ts";
import { serve } from "../fixtures/references/serve.ts";
import { formatTarget, runCase } from "../harness/mod.ts";
import { tcpRefused, udpSilent } from "./ports.ts";
import { echo } from "../harness/cli/_test_utils.ts";
import { discard } from "../harness/cli/_test_utils.ts";
import { selfTest } from "./_self_check.ts";
import { portFreeForBoth } from "../harness/program/free_port.ts";

function udpTarget(port: number) {
  return {
    transport: "udp" as const,
    host: "127.0.0.1",
    port,
    url: formatTarget("udp", "127.0.0.1", port),
  };
}

/** Serves `handlers` so that the TCP and UDP sides share one port number. */
function samePort(handlers: Parameters<typeof serve>[0]) {
  // Below the ephemeral range and noted as handed out (portFreeForBoth()): a port of that range
  // closed and bound again later (the unbound-UDP test below) can be taken in between by any
  // bind(0) or connect on the machine (seen with two suites at once: AddrInUse).
  for (let i = 0; i < 10; i++) {
    const port = portFreeForBoth();
    try {
      return serve(handlers, { tcpPort: port, udpPort: port });
    } catch (e) {
      if (!(e instanceof Deno.errors.AddrInUse)) throw e;
    }
  }
  throw new Error("No port number free on both transports");
}

selfTest("ports.tcp-refused tells a refused TCP port from one that accepts", async () => {
  {
    await using udpOnly = serve({ udp: echoUdp });
    const r = await runCase(tcpRefused, { targets: udpOnly.targets, profile: echo, seed: 1 });
    assertEquals(r.outcome, "info");
    assertStringIncludes(r.message, "refuses connections: nothing listens there");
  }
  await using both = samePort({ tcp: echoTcp, udp: echoUdp });
  const r = await runCase(tcpRefused, {
    targets: { udp: both.targets.udp },
    profile: echo,
    seed: 1,
  });
  assertEquals(r.outcome, "info");
  assertStringIncludes(r.message, "accepts connections: some program listens there too");
});

selfTest(
  "ports.udp-silent with only a TCP target describes the UDP port of that number",
  async () => {
    await using both = samePort({ tcp: echoTcp, udp: echoUdp });
    const answers = await runCase(udpSilent, {
      targets: { tcp: both.targets.tcp },
      profile: echo,
      seed: 1,
    });
    assertEquals(answers.outcome, "info");
    assertStringIncludes(answers.message, "a socket answers there");
    await both.close();
    await using tcpOnly = serve({ tcp: echoTcp });
    const unbound = await runCase(udpSilent, { targets: tcpOnly.targets, profile: echo, seed: 1 });
    assertEquals(unbound.outcome, "info");
    assertStringIncludes(unbound.message, "nothing is bound there (ICMP port unreachable)");
  },
);

selfTest("ports.udp-silent passes a bound discard port and fails an unbound one", async () => {
  await using served = samePort({ tcp: discardTcp, udp: discardUdp });
  const ok = await runCase(udpSilent, { targets: served.targets, profile: discard, seed: 1 });
  assertEquals(ok.outcome, "pass", ok.message);
  const port = served.targets.udp!.port;
  await served.close();
  // The closed listener's socket can outlive close() by a moment (Deno drops the cancelled
  // accept() later): binding its port again is tried until it is free (AddrInUse was seen once,
  // with two suites at once), for at most 2 s.
  await using tcpOnly = await rebind(() => serve({ tcp: discardTcp }, { tcpPort: port }));
  const bad = await runCase(udpSilent, {
    targets: { tcp: tcpOnly.targets.tcp, udp: udpTarget(port) },
    profile: discard,
    seed: 1,
  });
  assertEquals(bad.outcome, "fail");
  assertStringIncludes(bad.message, "TCP and UDP ports are separate");
});

/** Calls `bind` until it does not fail with AddrInUse, for at most 2 s. */
async function rebind<T>(bind: () => T): Promise<T> {
  const until = performance.now() + 2000;
  while (true) {
    try {
      return bind();
    } catch (e) {
      if (!(e instanceof Deno.errors.AddrInUse) || performance.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
