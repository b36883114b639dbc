/**
 * Client cases over TCP: servers that split, delay, coalesce, cut short, reset or refuse, against
 * the recv() and send() assumptions a client gets wrong.
 *
 * @module
 */
import {
  type Adversary,
  type ClientExchange,
  hexPairs,
  type Pace,
  samplePayload,
  type TcpPeer,
  WAITS,
} from "../../harness/mod.ts";
import { type ClientCase, clientCase } from "./_client_case.ts";
import { headerBytesOf, headerValue, type Hints, type Problem, seconds } from "./_judge.ts";

/** The header bytes of a length-prefixed reply, or 0 for other framings. */
function headerBytes(x: ClientExchange): number {
  return headerBytesOf(x.connections[0]?.profile.framing);
}

/**
 * A TCP server that reads the client's request, then has `answer` send the reply it is due; a
 * client whose request did not come whole and right gets no answer.
 */
function answering(
  answer: (p: TcpPeer, reply: Uint8Array) => Promise<unknown>,
  options: { pace?: Pace } = {},
): Adversary {
  return {
    transport: "tcp",
    async tcp(p) {
      const request = await p.request(options);
      if (request) await answer(p, p.reply(request));
    },
  };
}

/** The same explanation for each of `problems`. */
function sameHint(problems: readonly Problem[], hint: (x: ClientExchange) => string): Hints {
  return Object.fromEntries(problems.map((problem) => [problem, hint]));
}

export const byteSegments: ClientCase = clientCase({
  id: "client.tcp.byte-segments",
  title: "A reply that arrives one byte per segment is read whole",
  requirement:
    "TCP is a byte stream: one recv() returns what has arrived, maybe one byte; a client loops until the whole reply came",
  transport: "tcp",
  server: answering((p, reply) => p.sendChunked(reply, { sizes: [1], gapMs: 4 })),
  payload: (t, profile) => samplePayload(profile, t.rng, 48),
  expect: "reply",
  hints: {
    cut: () =>
      "the reply came one byte per segment, and a single recv() returns only what has arrived " +
      "so far; loop on recv() until the whole reply came (TCP keeps no message boundaries)",
    differs: () =>
      "the reply came one byte per segment; a client that decodes a reply from one recv() " +
      "reads a part of it",
  },
});

export const splitHeader: ClientCase = clientCase({
  id: "client.tcp.split-header",
  title: "A reply whose length header arrives in pieces is read whole",
  requirement:
    "A length header may arrive split across segments like any bytes; a client reads all of it before decoding the length",
  transport: "tcp",
  framing: ["length-prefix"],
  server: answering((p, reply) => {
    const cuts = Array.from({ length: headerBytesOf(p.profile.framing) }, (_, i) => i + 1);
    return p.sendChunked(reply, { cuts, gapMs: 50 });
  }),
  payload: (t, profile) => samplePayload(profile, t.rng, 300),
  expect: "reply",
  hints: sameHint(["cut", "more", "differs", "exit", "hung"], oneRecvHeader),
});

/** What a client that reads the header with one recv() decodes, in words. */
function oneRecvHeader(x: ClientExchange): string {
  const h = headerBytes(x);
  const header = x.reply.subarray(0, h);
  const first = new Uint8Array(h);
  first[0] = header[0];
  const misread = headerValue(first);
  const length = x.reply.length - h;
  return `the reply header ${hexPairs(header)} (${length}) came one byte per segment; ` +
    `a client that takes one recv() for the whole header gets ${hexPairs(first.subarray(0, 1))} ` +
    `and decodes ${hexPairs(first)} = ${misread}: loop until all ${h} header bytes came`;
}

/** The frame that follows the reply in `client.tcp.coalesced`. */
const NEXT_FRAME_PAYLOAD = new TextEncoder().encode("NEXT-FRAME-NOT-YOURS");

export const coalesced: ClientCase = clientCase({
  id: "client.tcp.coalesced",
  title: "A reply frame that arrives together with the next frame is cut at its length",
  requirement:
    "One recv() may return the end of one frame and the start of the next; a client takes exactly the length its header gives",
  transport: "tcp",
  framing: ["length-prefix"],
  server: answering((p, reply) => {
    const next = p.profile.encode(NEXT_FRAME_PAYLOAD);
    const both = new Uint8Array(reply.length + next.length);
    both.set(reply);
    both.set(next, reply.length);
    return p.send(both);
  }),
  payload: (t, profile) => samplePayload(profile, t.rng, 20),
  expect: "reply",
  hints: {
    more: (x) =>
      `the reply frame came in one segment with the next frame (${
        hexPairs(x.reply.subarray(0, headerBytes(x)))
      } … then another frame), and the client printed all that one recv() returned; ` +
      "print exactly the length the header gives, and keep what follows for the next frame",
  },
});

export const slowReply: ClientCase = clientCase({
  id: "client.tcp.slow-reply",
  title: "A reply that starts 1.5 s late and comes in two parts is waited for and read whole",
  requirement:
    "A server may take its time, and its reply may come in parts; a client waits (a few seconds at least) and reads until the reply is whole",
  transport: "tcp",
  server: answering(async (p, reply) => {
    const half = Math.max(1, Math.floor(reply.length / 2));
    await p.sleep(1500);
    await p.send(reply.subarray(0, half));
    await p.sleep(300);
    await p.send(reply.subarray(half));
  }),
  payload: (t, profile) => samplePayload(profile, t.rng, 32),
  expect: "reply",
  hints: {
    cut: () =>
      "the reply came 1.5 s late in two parts 300 ms apart, and the client printed the first " +
      "part only: one recv() returns what has arrived, not the whole reply; loop until it is whole",
    exit: (x) =>
      `the reply starts 1.5 s after the request; a client that gives up after ${
        seconds(x.run.exit?.atMs ?? 0)
      } waits too little for a busy server`,
  },
});

/**
 * A message larger than loopback's socket buffers can hold, so that a send() cannot take it whole.
 * Measured here (2 cores, Linux, tcp_wmem 4096 16384 4194304): on a fresh loopback connection
 * whose peer does not read, the sender's SO_SNDBUF is already 3,939,840 bytes and one
 * non-blocking send() takes at most 3,919,467 bytes, for 4, 8, 16, 32 or 64 MiB alike; a peer with
 * a small SO_RCVBUF (8 KiB) lowers that to 2,807,808 only, so a small receive window alone does
 * not make a 1 MiB send() short. Twice the most a send() took is 8 MiB.
 */
export const BEYOND_BUFFERS = 8 * 1024 * 1024;

/** How the server reads the large request: nothing for a while, then as fast as it comes. */
const UNREAD_FIRST = { firstMs: WAITS.unreadMs, chunk: 65536, gapMs: 0 };

export const largeSlowReader: ClientCase = clientCase({
  id: "client.tcp.large-slow-reader",
  title: "An 8 MiB message to a server that reads nothing for 1 s is sent whole",
  requirement:
    "send() may take only part of the bytes it is given (a short write) when the socket buffers are full; a client loops until every byte is sent",
  transport: "tcp",
  server: answering((p, reply) => p.send(reply), { pace: UNREAD_FIRST }),
  payload: (t, profile) => samplePayload(profile, t.rng, BEYOND_BUFFERS, true),
  expect: "reply",
  hints: {
    request: (x) =>
      x.connections[0]?.requestEnd === "eof"
        ? `the server read nothing for ${seconds(WAITS.unreadMs)}, so the socket buffers ` +
          "filled (they hold about 3.9 MB here) and a send() could take only part of the " +
          "message (a short write); the client then closed its side without sending the rest: " +
          "loop until send() has taken every byte"
        : undefined,
  },
});

export const earlyClose: ClientCase = clientCase({
  id: "client.tcp.early-close",
  title: "A server that closes halfway through the reply makes the client fail cleanly",
  requirement:
    'recv() returning 0 means the server closed (EOF), not "no data yet"; a client that got less than the whole reply exits non-zero with a message',
  transport: "tcp",
  server: answering(async (p, reply) => {
    await p.send(reply.subarray(0, Math.max(1, Math.floor(reply.length / 2))));
    await p.close();
  }),
  payload: (t, profile) => samplePayload(profile, t.rng, 64),
  expect: "failure",
  hints: {
    hung: () =>
      "the server closed the connection halfway through the reply, so every recv() returns 0 at " +
      'once; a client that takes 0 for "no data yet" loops for ever: stop at 0 (EOF) and exit ' +
      "non-zero",
    succeeded: () =>
      "the server closed after half the reply (recv() returned 0 early) and the client reported " +
      "success with a partial reply; check that the whole reply came, else exit non-zero with a " +
      "message",
  },
});

/** What a client killed by SIGPIPE did, or `undefined` when another signal or none ended it. */
function diedOfSigpipe(x: ClientExchange, what: string): string | undefined {
  return x.run.exit?.signal === "SIGPIPE"
    ? `${what}, and the SIGPIPE it raises killed the client: check every write() and exit ` +
      "non-zero with a message"
    : undefined;
}

export const reset: ClientCase = clientCase({
  id: "client.tcp.reset",
  title: "A server that resets the connection mid-request makes the client fail cleanly",
  requirement:
    "After a reset, recv() and send() fail with ECONNRESET and a later write raises SIGPIPE; a client ignores SIGPIPE (or uses MSG_NOSIGNAL), checks every call and exits non-zero with a message",
  transport: "tcp",
  server: {
    transport: "tcp",
    async tcp(p) {
      await p.readSome();
      await p.reset();
    },
  },
  // More than the buffers hold: the client is still sending when the reset comes, however late
  // (lp16 frames hold 65,535 bytes at most).
  payload: (t, profile) => samplePayload(profile, t.rng, BEYOND_BUFFERS),
  expect: "failure",
  hints: {
    exit: (x) =>
      diedOfSigpipe(
        x,
        `the server reset the connection while the client was still writing the ${x.request.length}-byte ` +
          "request; a write after that fails with ECONNRESET, the next one with EPIPE",
      ),
    succeeded: () =>
      "the server reset the connection before any reply and the client reported success",
    hung: () =>
      "after a reset every recv() and send() fails at once; a client that ignores the errors " +
      "loops or waits for ever",
  },
});

export const closedWhileSending: ClientCase = clientCase({
  id: "client.tcp.closed-while-sending",
  title: "A server that closes while the client is still sending makes the client fail cleanly",
  requirement:
    "When the server closes (FIN) and the client writes on, the server answers with a reset and the client's next write fails with EPIPE and raises SIGPIPE; a client ignores SIGPIPE (or uses MSG_NOSIGNAL), checks every write and exits non-zero with a message",
  transport: "tcp",
  server: {
    transport: "tcp",
    async tcp(p) {
      await p.readSome();
      p.note("the server read the first bytes of the request and closes");
      await p.conn.closeWrite(); // FIN
      await p.close(); // unread bytes are queued: the kernel answers them with RST
    },
  },
  // More than the buffers hold: the client is still sending when the server closes, however late
  // (lp16 frames hold 65,535 bytes at most).
  payload: (t, profile) => samplePayload(profile, t.rng, BEYOND_BUFFERS),
  expect: "failure",
  hints: {
    exit: (x) =>
      diedOfSigpipe(
        x,
        `the server read the first bytes of the ${x.request.length}-byte request and closed the ` +
          "connection (FIN, then RST for the bytes that kept coming) while the client was still " +
          "writing; the write after that failed with EPIPE",
      ),
    succeeded: () =>
      "the server closed the connection after reading part of the request, and the client " +
      "reported success",
    hung: () =>
      "the server closed the connection while the client was sending; after the reset that " +
      "follows, every send() fails at once, and a client that ignores the errors loops or " +
      "waits for ever",
  },
});

export const refused: ClientCase = clientCase({
  id: "client.tcp.refused",
  title: "A client whose connect is refused exits non-zero with a message, quickly",
  requirement:
    "connect() to a port where nothing listens fails at once with ECONNREFUSED; a client reports it and exits non-zero instead of retrying for ever",
  transport: "tcp",
  server: { transport: "tcp" },
  payload: (t, profile) => samplePayload(profile, t.rng, 16),
  expect: "failure",
  needsRequest: false,
  quickMs: 5000,
  failedCleanlyBut: (x) =>
    /broken pipe|EPIPE/i.test(new TextDecoder().decode(x.run.stderr.bytes))
      ? "its connect() was refused (nothing listens there) and it wrote to the socket anyway " +
        '(its stderr says "broken pipe", EPIPE): connect()\'s result is not checked'
      : undefined,
  hints: {
    hung: (x) =>
      `its connect() was refused (nothing listens on TCP 127.0.0.1:${x.port}) and it kept ` +
      "trying; give up with a non-zero exit and a message (a few quick retries at most)",
    succeeded: () => "its connect() was refused (nothing listens there), yet it reported success",
    exit: (x) =>
      x.run.exit?.signal === "SIGPIPE"
        ? `nothing listens on TCP 127.0.0.1:${x.port}, so its connect() failed ` +
          "(ECONNREFUSED), and it wrote to the unconnected socket anyway (SIGPIPE): connect()'s " +
          "result is not checked; check it and exit non-zero with a message"
        : undefined,
  },
});

export const byteOrder: ClientCase = clientCase({
  id: "client.tcp.byte-order",
  title: "Length headers are sent and read in network byte order (big-endian)",
  requirement:
    "Multi-byte lengths on the wire are big-endian; a client converts them with htons()/htonl() before sending and ntohs()/ntohl() after reading",
  transport: "tcp",
  framing: ["length-prefix"],
  server: answering((p, reply) => p.send(reply)),
  // 258 bytes: the header 01 02 (or 00 00 01 02) reads as 513 (or 33,619,968) in host order.
  payload: (t, profile) => samplePayload(profile, t.rng, 258),
  expect: "reply",
  hints: sameHint(["cut", "differs", "exit", "hung"], (x) => {
    const h = headerBytes(x);
    const header = x.reply.subarray(0, h);
    return `the reply's header ${hexPairs(header)} says ${x.reply.length - h} bytes in ` +
      `network byte order and ${headerValue(header, true)} in this host's: convert it with ${
        h === 2 ? "ntohs()" : "ntohl()"
      }`;
  }),
});

/** The TCP client cases, in listing order. */
export const tcpClientCases: readonly ClientCase[] = [
  byteSegments,
  splitHeader,
  coalesced,
  slowReply,
  largeSlowReader,
  earlyClose,
  reset,
  closedWhileSending,
  refused,
  byteOrder,
];
