import { assertEquals } from "@std/assert";
import { echoUdp } from "../fixtures/echo.ts";
import { startUdpServer } from "../fixtures/udp_server.ts";
import { Transcript, UdpClient } from "./mod.ts";

Deno.test("UdpClient sends a datagram and receives the echo with its source", async () => {
  await using server = startUdpServer(echoUdp);
  const transcript = new Transcript();
  await using u = UdpClient.open({ host: "127.0.0.1", port: server.addr.port }, {
    label: "u1",
    transcript,
  });
  await u.send(new Uint8Array([0, 1, 2, 255]));
  const d = await u.receive();
  assertEquals(d?.data, new Uint8Array([0, 1, 2, 255]));
  assertEquals(d?.from, { host: "127.0.0.1", port: server.addr.port });
  assertEquals(transcript.events.map((e) => e.kind), ["note", "send", "recv"]);
});

Deno.test("UdpClient.receive() returns null after the time-out", async () => {
  await using server = startUdpServer(() => {});
  const transcript = new Transcript();
  await using u = UdpClient.open({ host: "127.0.0.1", port: server.addr.port }, {
    label: "u1",
    transcript,
    timeoutMs: 50,
  });
  await u.send(new Uint8Array([1]));
  assertEquals(await u.receive(), null);
  assertEquals(transcript.events.at(-1)?.kind, "timeout");
});

Deno.test("UdpClient with a small buffer cuts a long datagram as recvfrom() does", async () => {
  await using server = startUdpServer(echoUdp);
  await using u = UdpClient.open({ host: "127.0.0.1", port: server.addr.port }, {
    label: "u1",
    transcript: new Transcript(),
    bufferSize: 4,
  });
  await u.send(new Uint8Array(100).fill(7));
  assertEquals((await u.receive())?.data.length, 4);
});

Deno.test("UdpClient.receiveFor() collects every datagram in the window", async () => {
  await using server = startUdpServer(async (data, from, socket) => {
    for (let i = 0; i < 3; i++) await socket.send(data, from);
  });
  await using u = UdpClient.open({ host: "127.0.0.1", port: server.addr.port }, {
    label: "u1",
    transcript: new Transcript(),
  });
  await u.send(new Uint8Array([9]));
  assertEquals((await u.receiveFor(200)).length, 3);
});

Deno.test("UdpClient talks to an IPv6 target", async () => {
  await using server = startUdpServer(echoUdp, { hostname: "::1" });
  await using u = UdpClient.open({ host: "::1", port: server.addr.port }, {
    label: "u1",
    transcript: new Transcript(),
  });
  await u.send(new Uint8Array([1, 2]));
  assertEquals((await u.receive())?.data, new Uint8Array([1, 2]));
});
