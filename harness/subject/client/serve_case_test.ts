import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { clientCaseById, serveClientCase } from "./serve_case.ts";
import { PROFILES } from "../profiles.ts";

Deno.test("serveClientCase() serves client.udp.lost-request by hand: the first datagram is dropped", async () => {
  const lines: string[] = [];
  await using server = serveClientCase("client.udp.lost-request", PROFILES.echo, {
    print: (l) => lines.push(l),
  });
  const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  try {
    const to = { transport: "udp" as const, hostname: server.host, port: server.port };
    const ping = new TextEncoder().encode("ping");
    await socket.send(ping, to);
    const first = socket.receive();
    const silent = await Promise.race([first.then(() => false), delay(300).then(() => true)]);
    assertEquals(silent, true, "the first datagram is not answered");
    await socket.send(ping, to);
    assertEquals((await first)[0], ping);
  } finally {
    socket.close();
  }
  assertStringIncludes(lines[0], "case client.udp.lost-request (profile echo)");
  assertEquals(lines.some((l) => l.includes("dropped on purpose")), true);
});

Deno.test("clientCaseById() names an unknown case and a case the profile has no use for", () => {
  assertThrows(
    () => clientCaseById("client.tcp.nope", PROFILES.echo),
    Error,
    "Unknown client case",
  );
  assertThrows(
    () => clientCaseById("client.tcp.split-header", PROFILES.echo),
    Error,
    "Needs length-prefix framing",
  );
  assertEquals(clientCaseById("client.tcp.refused", PROFILES.lp16).server.tcp, undefined);
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
