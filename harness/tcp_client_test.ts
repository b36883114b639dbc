import { assertEquals, assertRejects } from "@std/assert";
import { echoTcp } from "../fixtures/echo.ts";
import { startTcpServer } from "../fixtures/tcp_server.ts";
import { CaseFailure, ConnectFailed, TcpClient, Transcript } from "./mod.ts";
import { freePort } from "../fixtures/free_port.ts";

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
