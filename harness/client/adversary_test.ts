import { assert, assertEquals, assertRejects } from "@std/assert";
import { type Adversary, startAdversary, type TcpPeer } from "./adversary.ts";
import type { RequestReplyProfile } from "../case.ts";
import { Transcript } from "../transcript.ts";

const encode = (s: string) => new TextEncoder().encode(s);

const echo: RequestReplyProfile = {
  name: "echo",
  description: "",
  transports: ["tcp", "udp"],
  framing: { kind: "stream" },
  encode: (p) => p,
  expectedReply: (r) => r,
};

const lp16: RequestReplyProfile = {
  name: "lp16",
  description: "",
  transports: ["tcp"],
  framing: { kind: "length-prefix", headerBytes: 2 },
  encode: (p) => Uint8Array.of(p.length >> 8, p.length & 0xff, ...p),
  expectedReply: (r) => r,
};

/** Keeps the peer of the first connection, once its behaviour has read the request. */
function recorder() {
  const seen = Promise.withResolvers<{ peer: TcpPeer; request: Uint8Array | null }>();
  const adversary: Adversary = {
    transport: "tcp",
    async tcp(peer) {
      const request = await peer.request();
      seen.resolve({ peer, request });
      if (request) await peer.send(peer.reply(request));
    },
  };
  return { adversary, seen: seen.promise };
}

Deno.test("TcpPeer.request() stops at the first byte that differs from the expected request", async () => {
  const { adversary, seen } = recorder();
  await using server = startAdversary(adversary, {
    profile: echo,
    transcript: new Transcript(),
    expected: encode("hello world"),
  });
  const conn = await Deno.connect({ hostname: server.host, port: server.port });
  await conn.write(encode("help"));
  const { peer, request } = await seen;
  assertEquals(request, null);
  assertEquals(peer.requestEnd, "mismatch");
  assertEquals(peer.received, encode("help"));
  assertEquals(await new Response(conn.readable).bytes(), new Uint8Array(0)); // closed, no reply
});

Deno.test("TcpPeer.request() reads a frame by the profile's framing when serving by hand", async () => {
  const { adversary, seen } = recorder();
  await using server = startAdversary(adversary, { profile: lp16, transcript: new Transcript() });
  const conn = await Deno.connect({ hostname: server.host, port: server.port });
  for (const b of lp16.encode(encode("abc"))) await conn.write(Uint8Array.of(b));
  const { request } = await seen;
  assertEquals(request, lp16.encode(encode("abc")));
  conn.close();
});

Deno.test("TcpPeer.reset() makes the client's next recv() fail with ECONNRESET", async () => {
  const adversary: Adversary = {
    transport: "tcp",
    async tcp(peer) {
      await peer.readSome();
      await peer.reset();
    },
  };
  const transcript = new Transcript();
  await using server = startAdversary(adversary, { profile: echo, transcript });
  const conn = await Deno.connect({ hostname: server.host, port: server.port });
  await conn.write(encode("x"));
  await assertRejects(() => conn.read(new Uint8Array(8)), Deno.errors.ConnectionReset);
  conn.close();
  assert(transcript.events.some((e) => e.kind === "reset" && e.conn === "s1"));
});

Deno.test("UdpPeer.sendStray() sends from another port than the server's", async () => {
  const adversary: Adversary = {
    transport: "udp",
    async udp(peer) {
      for (let d; (d = await peer.receive());) {
        await peer.sendStray(encode("stray"), d.from);
        await peer.send(peer.reply(d.data), d.from);
      }
    },
  };
  await using server = startAdversary(adversary, { profile: echo, transcript: new Transcript() });
  const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  await socket.send(encode("ping"), { transport: "udp", hostname: server.host, port: server.port });
  const [stray, strayFrom] = await socket.receive();
  const [reply, replyFrom] = await socket.receive();
  socket.close();
  assertEquals([stray, reply], [encode("stray"), encode("ping")]);
  assertEquals((replyFrom as Deno.NetAddr).port, server.port);
  assert((strayFrom as Deno.NetAddr).port !== server.port);
  assertEquals(server.datagrams.map((d) => d.data), [encode("ping")]);
});

Deno.test("startAdversary() without a behaviour picks a port where a connect is refused", async () => {
  await using server = startAdversary({ transport: "tcp" }, {
    profile: echo,
    transcript: new Transcript(),
  });
  await assertRejects(
    () => Deno.connect({ hostname: server.host, port: server.port }),
    Deno.errors.ConnectionRefused,
  );
});
