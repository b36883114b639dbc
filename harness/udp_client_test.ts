import { assertEquals, assertRejects } from "@std/assert";
import { echoUdp } from "../fixtures/references/echo.ts";
import { startUdpServer } from "../fixtures/references/udp_server.ts";
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

Deno.test("UdpClient.exchange() resends once when the first datagram gets no reply", async () => {
  let seen = 0;
  await using server = startUdpServer(async (data, from, socket) => {
    if (++seen > 1) await socket.send(data, from); // the first datagram is "dropped"
  });
  const transcript = new Transcript();
  await using u = UdpClient.open({ host: "127.0.0.1", port: server.addr.port }, {
    label: "u1",
    transcript,
    timeoutMs: 200,
  });
  const r = await u.exchange([new Uint8Array([4, 2])]);
  assertEquals(r.replies.map((d) => d?.data), [new Uint8Array([4, 2])]);
  assertEquals(r.attempts, 2);
  assertEquals(r.unexpected, null);
  assertEquals(transcript.events.filter((e) => e.kind === "send").length, 2);
  assertEquals(
    transcript.events.find((e) => e.kind === "note" && e.detail?.includes("resending"))?.detail,
    "no reply within 100 ms; resending it once, as loopback may drop a datagram",
  );
});

Deno.test("UdpClient.exchange() gives up after N attempts, all within its one bound", async () => {
  await using server = startUdpServer(() => {});
  const transcript = new Transcript();
  await using u = UdpClient.open({ host: "127.0.0.1", port: server.addr.port }, {
    label: "u1",
    transcript,
  });
  const started = performance.now();
  const r = await u.exchange([new Uint8Array([1])], { attempts: 3, timeoutMs: 150 });
  const took = performance.now() - started;
  assertEquals(r, { replies: [null], unexpected: null, attempts: 3 });
  assertEquals(took >= 140, true, `gave up after ${took} ms, before its 150 ms`);
  assertEquals(transcript.events.filter((e) => e.kind === "send").length, 3);
  // Each attempt waits its share of the bound, 50 ms, never a bound of its own (the transcript
  // says so whatever the machine's load did to the wall clock).
  const waits = transcript.events.filter((e) => e.kind === "timeout").map((e) =>
    Number(/no datagram for (\d+) ms/.exec(e.detail ?? "")?.[1])
  );
  assertEquals(waits.length, 3);
  assertEquals(waits.every((ms) => ms <= 50), true, `waits: ${waits.join(", ")} ms`);
  assertEquals(
    transcript.events.filter((e) => e.detail?.includes("resending")).map((e) => e.detail),
    [2, 3].map((n) =>
      `no reply within 50 ms; resending it (attempt ${n} of 3), as loopback may drop a datagram`
    ),
  );
});

Deno.test("UdpClient.exchange() resends only the requests still without a reply", async () => {
  let dropped = false;
  await using server = startUdpServer(async (data, from, socket) => {
    if (data[0] === 2 && !dropped) {
      dropped = true; // the first [2] is "dropped"
      return;
    }
    await socket.send(data, from);
  });
  const transcript = new Transcript();
  await using u = UdpClient.open({ host: "127.0.0.1", port: server.addr.port }, {
    label: "u1",
    transcript,
    timeoutMs: 200,
  });
  const requests = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])];
  const r = await u.exchange(requests, {
    replyTo: (d, open) => open.find((i) => d.data[0] === requests[i][0]),
  });
  assertEquals(r.replies.map((d) => d?.data), requests);
  assertEquals(r.attempts, 2);
  assertEquals(
    transcript.events.filter((e) => e.kind === "send").map((e) => e.hex),
    ["01", "02", "03", "02"],
  );
  assertEquals(
    transcript.events.find((e) => e.kind === "note" && e.detail?.includes("resending"))?.detail,
    "no reply to 1 of 3 datagrams within 100 ms; resending it once, as loopback may drop a datagram",
  );
});

Deno.test("UdpClient.exchange() stops at a datagram that answers no request", async () => {
  await using server = startUdpServer(async (_data, from, socket) => {
    await socket.send(new Uint8Array([9, 9]), from);
  });
  const transcript = new Transcript();
  await using u = UdpClient.open({ host: "127.0.0.1", port: server.addr.port }, {
    label: "u1",
    transcript,
  });
  const r = await u.exchange([new Uint8Array([1]), new Uint8Array([2])], {
    replyTo: (d, open) => open.find((i) => d.data[0] === i + 1),
  });
  assertEquals(r.unexpected?.data, new Uint8Array([9, 9]));
  assertEquals(r.replies, [null, null]);
  assertEquals(r.attempts, 1);
});

Deno.test("UdpClient.exchange() rejects fewer than one attempt", async () => {
  await using u = UdpClient.open({ host: "127.0.0.1", port: 9 }, {
    label: "u1",
    transcript: new Transcript(),
  });
  await assertRejects(() => u.exchange([new Uint8Array([1])], { attempts: 0 }), RangeError);
});
