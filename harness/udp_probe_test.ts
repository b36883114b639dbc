import { assertEquals } from "@std/assert";
import { echoUdp } from "../fixtures/references/echo.ts";
import { freePort } from "./program/free_port.ts";
import { startUdpServer } from "../fixtures/references/udp_server.ts";
import { connectedUdpAvailable, probeUdp, Transcript } from "./mod.ts";

const freeUdpPort = (hostname?: string) => freePort("udp", hostname);

const ping = new TextEncoder().encode("ping");

Deno.test("probeUdp() returns the first reply of a server that answers", async () => {
  await using server = startUdpServer(echoUdp);
  const r = await probeUdp({ host: "127.0.0.1", port: server.addr.port }, [ping], {
    windowMs: 1000,
  });
  assertEquals(r.kind, "reply");
  if (r.kind === "reply") assertEquals(r.data, ping);
});

Deno.test("probeUdp() sees the ICMP refusal of a port with nothing bound", async () => {
  const transcript = new Transcript();
  const r = await probeUdp({ host: "127.0.0.1", port: freeUdpPort() }, [ping], {
    windowMs: 1000,
    transcript,
  });
  assertEquals(connectedUdpAvailable(), true, "the test task grants --allow-ffi");
  assertEquals(r.kind, "refused");
  assertEquals(transcript.events.at(-1)?.kind, "refused");
});

Deno.test("probeUdp() reports a bound but silent port as silent, with ICMP seen", async () => {
  await using server = startUdpServer(() => {});
  const r = await probeUdp({ host: "127.0.0.1", port: server.addr.port }, [ping], {
    windowMs: 100,
  });
  assertEquals(r, { kind: "silent", windowMs: 100, icmp: true });
});

Deno.test("probeUdp() sees a refusal on IPv6 too", async () => {
  const r = await probeUdp({ host: "::1", port: freeUdpPort("::1") }, [ping], { windowMs: 1000 });
  assertEquals(r.kind, "refused");
});

Deno.test({
  name: "probeUdp() without FFI falls back to a time-out: a refusal looks like silence",
  permissions: { net: true, ffi: false },
  async fn() {
    assertEquals(connectedUdpAvailable(), false);
    const r = await probeUdp({ host: "127.0.0.1", port: freeUdpPort() }, [ping], {
      windowMs: 100,
    });
    assertEquals(r, { kind: "silent", windowMs: 100, icmp: false });
  },
});

Deno.test({
  name: "probeUdp() without FFI still returns a reply",
  permissions: { net: true, ffi: false },
  async fn() {
    await using server = startUdpServer(echoUdp);
    const r = await probeUdp({ host: "127.0.0.1", port: server.addr.port }, [ping], {
      windowMs: 1000,
    });
    assertEquals(r.kind, "reply");
  },
});
