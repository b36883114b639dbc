import { assertEquals, assertRejects } from "@std/assert";
import { echoTcp } from "../fixtures/references/echo.ts";
import { startTcpServer } from "../fixtures/references/tcp_server.ts";
import { CaseFailure, ConnectFailed, TcpClient, Transcript } from "./mod.ts";
import { freePort } from "./program/free_port.ts";
import { startBacklogServer } from "../fixtures/backlog_server.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("TcpClient sends in chunks and reads the echo back", async () => {
  await using server = startTcpServer(echoTcp);
  const transcript = new Transcript();
  await using c = await TcpClient.connect({ host: "127.0.0.1", port: server.addr.port }, {
    label: "c1",
    transcript,
  });
  const r = await c.sendChunked(enc("hello world\n"), { sizes: [1], gapMs: 1 });
  assertEquals(r, { sent: 12, end: "done" });
  await c.expect(enc("hello world\n"));
  assertEquals(transcript.events.filter((e) => e.kind === "send").length, 12);
  await c.closeWrite();
  await c.expectEof();
  assertEquals(transcript.events.some((e) => e.kind === "half-close"), true);
  assertEquals(transcript.events.at(-1)?.kind, "eof");
});

Deno.test("TcpClient.expect() fails with the first differing byte", async () => {
  await using server = startTcpServer(async (conn) => {
    await conn.read(new Uint8Array(16));
    await conn.write(enc("hellO"));
  });
  await using c = await TcpClient.connect({ host: "127.0.0.1", port: server.addr.port }, {
    label: "c1",
    transcript: new Transcript(),
  });
  await c.send(enc("hello"));
  const e = await assertRejects(() => c.expect(enc("hello")), CaseFailure);
  assertEquals(
    e.message.includes("differs at byte 4: expected 0x6f 'o', got 0x4f 'O'"),
    true,
    e.message,
  );
});

Deno.test("TcpClient.expect() names a time-out and an early close", async () => {
  await using silent = startTcpServer(async (conn) => {
    while (await conn.read(new Uint8Array(16)) !== null) { /* reads, never replies */ }
  });
  await using c = await TcpClient.connect({ host: "127.0.0.1", port: silent.addr.port }, {
    label: "c1",
    transcript: new Transcript(),
    timeoutMs: 100,
  });
  await c.send(enc("x"));
  await assertRejects(() => c.expect(enc("x")), CaseFailure, "No reply: no bytes for 100 ms");
  await c.closeWrite();
  await assertRejects(() => c.expect(enc("x")), CaseFailure, "closed the connection (EOF)");
});

Deno.test("TcpClient.connect() reports a refused port as ConnectFailed", async () => {
  const port = freePort("tcp");
  const transcript = new Transcript();
  const e = await assertRejects(
    () => TcpClient.connect({ host: "127.0.0.1", port }, { label: "c1", transcript }),
    ConnectFailed,
  );
  assertEquals(e.reason, "refused");
  assertEquals(transcript.events[0].kind, "refused");
});

Deno.test("TcpClient.readToEof() stops at the memory cap", async () => {
  await using server = startTcpServer(async (conn) => {
    const block = new Uint8Array(65536);
    for (let i = 0; i < 8; i++) await conn.write(block);
  });
  await using c = await TcpClient.connect({ host: "127.0.0.1", port: server.addr.port }, {
    label: "c1",
    transcript: new Transcript(),
  });
  const r = await c.readToEof({ max: 100_000 });
  assertEquals(r.end, "cap");
  assertEquals(r.bytes.length >= 100_000 && r.bytes.length < 100_000 + 65536, true);
});

Deno.test("TcpClient talks to an IPv6 target", async () => {
  await using server = startTcpServer(echoTcp, { hostname: "::1" });
  await using c = await TcpClient.connect({ host: "::1", port: server.addr.port }, {
    label: "c1",
    transcript: new Transcript(),
  });
  await c.send(enc("v6"));
  await c.expect(enc("v6"));
});

Deno.test("TcpClient.expect() ends a dripping reply at its bound, counted from the call", async () => {
  await using drip = startTcpServer(async (conn, signal) => {
    await conn.read(new Uint8Array(16));
    for (let i = 0; i < 32 && !signal.aborted; i++) {
      await conn.write(enc("x"));
      await new Promise((r) => setTimeout(r, 40)); // every gap well under the idle time-out
    }
  });
  const transcript = new Transcript();
  await using c = await TcpClient.connect({ host: "127.0.0.1", port: drip.addr.port }, {
    label: "c1",
    transcript,
    timeoutMs: 300,
  });
  await c.send(enc("go"));
  const started = performance.now();
  const e = await assertRejects(() => c.expect(enc("x".repeat(32))), CaseFailure);
  const took = performance.now() - started;
  // Not before its bound; that it ended at the bound and not at an idle gap shows in the failure
  // itself: no gap of the drip reaches the time-out, and the whole drip would have been the reply.
  assertEquals(took >= 290, true, `took ${took} ms`);
  assertEquals(
    e.message.includes("was still incomplete 300 ms after it was asked for"),
    true,
    e.message,
  );
  assertEquals(transcript.events.at(-1)?.detail?.includes("sends too slowly"), true);
});

Deno.test("TcpClient.expectEof() fails at the first byte instead of waiting for EOF", async () => {
  await using flood = startTcpServer(async (conn, signal) => {
    const block = new Uint8Array(65536).fill(0x41);
    while (!signal.aborted) await conn.write(block);
  });
  await using c = await TcpClient.connect({ host: "127.0.0.1", port: flood.addr.port }, {
    label: "c1",
    transcript: new Transcript(),
    timeoutMs: 60_000,
  });
  const started = performance.now();
  const e = await assertRejects(() => c.expectEof(), CaseFailure);
  // Waiting for an EOF would take the whole 60 s time-out: half of it is a margin no load eats.
  assertEquals(performance.now() - started < 30_000, true);
  assertEquals(e.message.includes("but it sent 4096 bytes"), true, e.message);
});

Deno.test("TcpClient.readFor() keeps at most its cap of a flood", async () => {
  await using flood = startTcpServer(async (conn, signal) => {
    const block = new Uint8Array(65536);
    while (!signal.aborted) await conn.write(block);
  });
  await using c = await TcpClient.connect({ host: "127.0.0.1", port: flood.addr.port }, {
    label: "c1",
    transcript: new Transcript(),
  });
  const r = await c.readFor(500);
  assertEquals(r.end, "cap");
  assertEquals(r.bytes.length >= 65536 && r.bytes.length < 2 * 65536, true);
});

Deno.test("TcpClient counts a reply awaited and a reply that came for the run's tally", async () => {
  await using server = startTcpServer(echoTcp);
  const events: string[] = [];
  await using c = await TcpClient.connect({ host: "127.0.0.1", port: server.addr.port }, {
    label: "c1",
    transcript: new Transcript(),
    tally: (e) => events.push(e),
  });
  await c.send(enc("hi"));
  await c.expect(enc("hi"));
  assertEquals(events, ["tried", "answered"]);
});

Deno.test("TcpClient.connect() ends with its signal's reason when the signal aborts mid-handshake", async () => {
  await using server = startBacklogServer(0, "never");
  // listen(fd, 0) queues one handshake and nothing accepts it: the next SYN is dropped.
  const queued = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const controller = new AbortController();
    const reason = new Error("the case's deadline passed");
    const pending = TcpClient.connect({ host: "127.0.0.1", port: server.port }, {
      label: "c1",
      transcript: new Transcript(),
      signal: controller.signal,
      timeoutMs: 60_000,
    });
    controller.abort(reason);
    const e = await pending.then(() => null, (e) => e);
    assertEquals(e, reason);
  } finally {
    queued.close();
  }
});
