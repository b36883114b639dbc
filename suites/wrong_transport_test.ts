import { assertEquals, assertStringIncludes } from "@std/assert";
import { echoTcp, echoUdp } from "../fixtures/references/echo.ts";
import { startTcpServer } from "../fixtures/references/tcp_server.ts";
import { startUdpServer } from "../fixtures/references/udp_server.ts";
import { echo } from "../harness/cli/_test_utils.ts";
import { singleRequest } from "./tcp/basic.ts";
import { singleDatagram } from "./udp/basic.ts";
import { formatTarget, runCase } from "../harness/mod.ts";
import { freePort } from "../harness/program/free_port.ts";

function target(transport: "tcp" | "udp", port: number) {
  return { transport, host: "127.0.0.1", port, url: formatTarget(transport, "127.0.0.1", port) };
}

/** A UDP server on a port whose TCP twin is free (nothing listens there). */
function udpOnly() {
  for (let i = 0; i < 10; i++) {
    const server = startUdpServer(echoUdp);
    try {
      Deno.listen({ hostname: "127.0.0.1", port: server.addr.port }).close();
      return server;
    } catch {
      server.close();
    }
  }
  throw new Error("No UDP port with a free TCP twin");
}

/** A TCP server on a port whose UDP twin is free. */
function tcpOnly() {
  for (let i = 0; i < 10; i++) {
    const server = startTcpServer(echoTcp);
    try {
      Deno.listenDatagram({ hostname: "127.0.0.1", port: server.addr.port, transport: "udp" })
        .close();
      return server;
    } catch {
      server.close();
    }
  }
  throw new Error("No TCP port with a free UDP twin");
}

Deno.test("a refused TCP connect names the UDP server on the same port", async () => {
  await using server = udpOnly();
  const r = await runCase(singleRequest, {
    targets: { tcp: target("tcp", server.addr.port) },
    profile: echo,
    seed: 1,
  });
  assertEquals(r.outcome, "error");
  assertStringIncludes(
    r.message,
    `nothing on TCP ${server.addr.port}, but UDP ${server.addr.port} answers: did you bind SOCK_DGRAM`,
  );
});

Deno.test("a refused TCP connect with nothing on UDP either carries no hint", async () => {
  // Below the ephemeral range: a port another test's connection was handed could answer.
  const port = freePort("tcp");
  const r = await runCase(singleRequest, {
    targets: { tcp: target("tcp", port) },
    profile: echo,
    seed: 1,
  });
  assertEquals(r.outcome, "error");
  assertEquals(r.message.includes("SOCK_DGRAM"), false, r.message);
});

Deno.test("a silent UDP target whose TCP twin accepts becomes an error naming SOCK_STREAM", async () => {
  await using server = tcpOnly();
  const port = server.addr.port;
  const r = await runCase(singleDatagram, {
    targets: { udp: target("udp", port) },
    profile: echo,
    seed: 1,
    timeoutMs: 200,
  });
  assertEquals(r.outcome, "error");
  assertStringIncludes(
    r.message,
    `Nothing on UDP ${port} (ICMP port unreachable), but TCP ${port} accepts connections: did you bind SOCK_STREAM`,
  );
});

Deno.test("a UDP target with nothing anywhere still fails, and says nothing is bound", async () => {
  const port = freePort("udp");
  const r = await runCase(singleDatagram, {
    targets: { udp: target("udp", port) },
    profile: echo,
    seed: 1,
    timeoutMs: 200,
  });
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, `nothing is bound to UDP ${port}: ICMP port unreachable`);
});
