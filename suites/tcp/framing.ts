/**
 * `tcp.framing`: TCP is a byte stream. One `send()` may arrive as many `recv()`s and many sends
 * as one; a server must find its requests by the profile's framing, not by read boundaries.
 * Every case builds requests with the profile's `encode` and checks `expectedReply`, so one case
 * serves echo, line, lp16 and lp32 alike.
 *
 * @module
 */
import { concat, equals, startsWith } from "@std/bytes";
import {
  byteHex,
  type Case,
  type CaseContext,
  CaseFailure,
  describeBytes,
  firstDifference,
  hexPairs,
  randomCuts,
  replyBoundMs,
  requestReply,
  type RequestReplyProfile,
  samplePayload,
  sampleRequest,
  splitBytes,
  type TcpClient,
  WAITS,
} from "../../harness/mod.ts";
import { framingCuts } from "../profiles/framed.ts";
import { transportHints } from "../wrong_transport.ts";
import { droppedNulPieces, skippedNulPiece, stoppedAtNul } from "./_nul_evidence.ts";

/** The size of the large request: 1 MiB, or the profile's largest payload if smaller. */
export const LARGE_PAYLOAD = 1024 * 1024;

/** Starts `read` now and keeps its rejection for whoever awaits it later. */
function started<T>(read: Promise<T>): Promise<T> {
  read.catch(() => {});
  return read;
}

/** Re-throws a failure with `note` appended to its message; other errors pass through. */
function withNote(e: unknown, note: string): never {
  if (e instanceof CaseFailure) throw new CaseFailure(`${e.message} ${note}`, e.evidence);
  throw e;
}

/** Fails the case when bytes arrive within `WAITS.extraMs` that no request asked for. */
async function expectNothingMore(t: CaseContext, c: TcpClient, after: string): Promise<void> {
  const extra = await c.readFor(WAITS.extraMs, { max: 4096 });
  if (extra.bytes.length > 0) {
    return t.fail(
      `After the ${after}, ${
        describeBytes(extra.bytes, 60)
      } more came back: the server answered a piece of the request as if it were a whole one`,
      { expected: "no more bytes", actual: extra.bytes },
    );
  }
}

function payloads(t: CaseContext, p: RequestReplyProfile, count: number, max: number) {
  return Array.from({ length: count }, () => sampleRequest(p, t.rng, t.rng.int(1, max)));
}

/** A request that trickles in one byte at a time still gets its whole reply. */
export const byteByByte: Case = {
  id: "tcp.framing.byte-by-byte",
  title: "A request sent one byte per segment gets the same reply",
  requirement:
    "TCP is a byte stream: one send() may arrive as many recv()s, down to one byte each; the server must keep reading until it has a whole request",
  appliesTo: { transport: "tcp", requestReply: true },
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect({ noDelay: true });
    const request = sampleRequest(p, t.rng, 24);
    const reply = p.expectedReply(request);
    let doneAt = 0;
    const reading = started(
      c.expect(reply, { what: "reply to the request sent one byte per segment" }).then(() => {
        doneAt = performance.now();
      }),
    );
    const readsBefore = c.reads;
    await c.sendChunked(request, { sizes: [1], gapMs: WAITS.byteGapMs });
    const lastByteAt = performance.now();
    await reading;
    const pieces = c.reads - readsBefore;
    if (p.framing.kind !== "stream" && pieces > 1 && pieces * 2 >= reply.length) {
      t.warn(
        `The ${reply.length}-byte reply came back in ${pieces} pieces while the request trickled in: the server seems to answer each byte as it arrives instead of each whole request`,
      );
    }
    const late = Math.round(doneAt - lastByteAt);
    if (late > WAITS.slowReplyMs) {
      t.warn(
        `The reply completed ${late} ms after the last request byte (more than ${WAITS.slowReplyMs} ms)`,
      );
    }
  },
};

/** A write boundary inside the length header or the delimiter does not confuse the server. */
export const splitHeader: Case = {
  id: "tcp.framing.split-header",
  title: "A request split inside its length header or delimiter gets the same reply",
  requirement:
    "recv() may return part of a length header or delimiter; the server must keep reading until the framing is complete (a 2-byte recv() can return 1 byte)",
  appliesTo: { transport: "tcp", requestReply: true, framing: ["delimiter", "length-prefix"] },
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect({ noDelay: true });
    const size = 20;
    const cuts = framingCuts(p.framing, sampleRequest(p, t.rng, size));
    // Twice over: a busy server may read both halves at once and so never see one of the cuts.
    for (const cut of [...cuts, ...cuts]) {
      const request = sampleRequest(p, t.rng, size);
      const what = `reply to the request cut after byte ${cut} (${cutPlace(p, request, cut)})`;
      await c.sendChunked(request, { cuts: [cut], gapMs: WAITS.splitGapMs });
      await c.expect(p.expectedReply(request), { what });
      await expectNothingMore(t, c, what);
    }
    const whole = sampleRequest(p, t.rng, size);
    await c.send(whole);
    await c.expect(p.expectedReply(whole), {
      what: "reply to a whole request after the split ones",
    });
  },
};

function cutPlace(p: RequestReplyProfile, request: Uint8Array, cut: number): string {
  const f = p.framing;
  if (f.kind === "length-prefix") {
    const size = f.size ?? f.headerBytes;
    return cut < size
      ? `inside the ${size}-byte ${f.size === undefined ? "length " : ""}header`
      : "between the length header and the payload";
  }
  if (f.kind === "delimiter") {
    return cut === request.length - f.delimiter.length
      ? "just before the delimiter"
      : "inside the delimiter";
  }
  return "in the payload";
}

/** Several requests cut at seeded random points, across request boundaries too. */
export const randomSplit: Case = {
  id: "tcp.framing.random-split",
  title: "Requests cut at random points get the same replies",
  requirement:
    "Segment boundaries carry no meaning in a byte stream: whatever the cut points, the replies are the same",
  appliesTo: { transport: "tcp", requestReply: true },
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect({ noDelay: true });
    const requests = payloads(t, p, 5, 300);
    const stream = concat(requests);
    const cuts = randomCuts(t.rng, stream.length, 12);
    const plan =
      `(seed ${t.seed}; ${requests.length} requests, ${stream.length} bytes, cut after ` +
      `bytes ${cuts.join(", ")})`;
    t.transcript.record(c.label, "note", { detail: `random split ${plan}` });
    const reading = started(
      c.expect(concat(requests.map((r) => p.expectedReply(r))), {
        what: `reply stream to ${requests.length} requests cut at random points`,
      }),
    );
    await c.sendChunked(stream, { cuts, gapMs: WAITS.randomGapMs });
    await reading.catch((e) => withNote(e, plan));
  },
};

/** Several requests in one write come back as several replies, in order. */
export const coalesced: Case = {
  id: "tcp.framing.coalesced",
  title: "Several requests in one write get all their replies, in order",
  requirement:
    "One recv() may return several requests; the server must answer every one of them, not only the first",
  appliesTo: { transport: "tcp", requestReply: true },
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect();
    const requests = payloads(t, p, 5, 40);
    await c.send(concat(requests));
    for (const [i, request] of requests.entries()) {
      await c.expect(p.expectedReply(request), {
        what: `reply ${
          i + 1
        } of ${requests.length} (all ${requests.length} requests went in one write)`,
      });
    }
  },
};

/** Many requests written back to back, replies read while writing. */
export const pipelined: Case = {
  id: "tcp.framing.pipelined",
  title: "Many requests written before their replies are read get every reply, in order",
  requirement:
    "A client may send requests without waiting for replies; the server must answer each, in order, while more keep coming",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect();
    const requests = payloads(t, p, 100, 1000);
    // Read while writing: a server blocked on a full send buffer must not stall the test.
    const reading = started((async () => {
      for (const [i, request] of requests.entries()) {
        await c.expect(p.expectedReply(request), {
          what: `reply ${i + 1} of ${requests.length} (pipelined requests)`,
        });
      }
    })());
    for (const request of requests) {
      if ((await c.send(request)).end !== "done") break;
    }
    await reading;
  },
};

/** A 1 MiB echo (or the largest frame) of binary bytes comes back whole while the client reads slowly. */
export const large: Case = {
  id: "tcp.framing.large",
  title: "A large binary request gets its whole reply, even when the client reads slowly",
  requirement:
    "send() may write fewer bytes than asked (a full socket buffer); the server must send the rest, not drop it, and the 0x00 bytes of a large payload (one is its first byte) are bytes like any other",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect();
    const size = Math.min(p.maxPayload ?? LARGE_PAYLOAD, LARGE_PAYLOAD);
    const payload = samplePayload(p, t.rng, size, true);
    if (payload.length > 0 && !p.forbidden?.includes(0x00)) payload[0] = 0x00;
    const request = p.encode(payload);
    const reply = p.expectedReply(request);
    // Both at once, and both awaited: a failed read must not leave the send's rejection unhandled.
    const h = p.framing.kind === "length-prefix" ? p.framing.size ?? p.framing.headerBytes : 0;
    await Promise.all([readSlowly(t, c, reply, h), c.send(request)]);
  },
};

/**
 * Reads `reply` in 64 KiB steps, pausing after the first few so the server's buffer fills; the
 * reply's payload starts after `header` bytes.
 */
async function readSlowly(
  t: CaseContext,
  c: TcpClient,
  reply: Uint8Array,
  header: number,
): Promise<void> {
  const step = 65536;
  let got = 0;
  for (let i = 0; got < reply.length; i++) {
    const r = await c.readExactly(Math.min(step, reply.length - got));
    const want = reply.subarray(got, got + r.bytes.length);
    const at = firstDifference(r.bytes, want);
    if (at >= 0 && at < r.bytes.length) {
      const from = Math.max(0, at - 16);
      const sofar = concat([reply.subarray(0, got + at), r.bytes.subarray(at)]);
      const cause = stoppedAtNul(reply, sofar, header) ?? skippedNulPiece(reply, sofar, got + at);
      return t.fail(
        `The large reply differs at byte ${got + at} of ${reply.length}: expected ${
          byteHex(want[at])
        }, got ${byteHex(r.bytes[at] ?? 0)}${cause ? ` — ${cause}` : ""}`,
        { expected: want.subarray(from, at + 32), actual: r.bytes.subarray(from, at + 32) },
      );
    }
    got += r.bytes.length;
    if (r.end === "timeout") {
      const cause = stoppedAtNul(reply, reply.subarray(0, got), header);
      return t.fail(
        `The reply stopped after ${got} of ${reply.length} bytes: nothing more for ${t.timeoutMs} ms while the client kept reading, and the connection stayed open; the byte due there is ${
          byteHex(reply[got])
        }${cause ? ` — ${cause}` : ""}`,
        { expected: `${reply.length} bytes`, actual: `${got} bytes, then nothing` },
      );
    }
    if (r.end === "slow") {
      return t.fail(
        `The reply came too slowly: ${got} of ${reply.length} bytes, the last 64 KiB step still unfinished ${
          replyBoundMs(t.timeoutMs, step)
        } ms after the client asked for it`,
        { expected: `${reply.length} bytes`, actual: `${got} bytes, arriving too slowly` },
      );
    }
    if (r.end !== "done") {
      return t.fail(
        `The server ${
          r.end === "eof" ? "closed" : "reset"
        } the connection after ${got} of ${reply.length} bytes of the reply`,
        { expected: `${reply.length} bytes`, actual: `${got} bytes, then ${r.end}` },
      );
    }
    if (i < 4) await t.sleep(WAITS.slowReadPauseMs);
  }
}

/** Bytes that C string and text handling get wrong: NUL, 0xFF, CR LF, invalid UTF-8. */
const AWKWARD = [
  0x41,
  0x00,
  0x42,
  0xff,
  0x0d,
  0x0a,
  0xc3,
  0x28,
  0x80,
  0xbf,
  0xed,
  0xa0,
  0x80,
  0xf8,
  0x88,
  0x80,
  0x80,
  0x80,
  0xfe,
  0xff,
  0xfe,
  0x00,
  0x00,
  0x0d,
  0x0a,
  0x1a,
  0x04,
  0x7f,
  0x1b,
];

/** Bytes that text handling mangles come back exactly. */
export const binary: Case = {
  id: "tcp.framing.binary",
  title: "A request with NUL, 0xFF, CR LF and invalid UTF-8 comes back byte for byte",
  requirement:
    "Payloads are bytes, not C strings or text: a 0x00 does not end them, even as the first byte of a request or of what one recv() returns, and no byte is decoded, trimmed or translated",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const forbidden = new Set(p.forbidden ?? []);
    const all = Array.from({ length: 256 }, (_, i) => i);
    const payload = Uint8Array.from([0x00, ...AWKWARD, ...all, ...all.toReversed()])
      .filter((b) => !forbidden.has(b))
      .subarray(0, p.maxPayload ?? Infinity);
    const c = await t.connect({ noDelay: true });
    const request = p.encode(payload);
    const reply = p.expectedReply(request);
    // Writes that start at each 0x00 and 3 bytes after it: what one recv() returns may start
    // with a 0x00, or not.
    const h = p.framing.kind === "length-prefix" ? p.framing.size ?? p.framing.headerBytes : 0;
    const cuts = [
      ...new Set(
        [...payload.keys()].filter((i) => payload[i] === 0x00).flatMap((i) => [h + i, h + i + 3]),
      ),
    ].filter((cut) => cut > 0 && cut < request.length).sort((a, b) => a - b);
    const pieces = splitBytes(request, { cuts });
    t.transcript.record(c.label, "note", {
      detail: `the binary request goes out in ${pieces.length} writes, cut before each 0x00`,
    });
    await c.sendChunked(request, { cuts, gapMs: WAITS.splitGapMs });
    const r = await c.readExactly(reply.length, { what: "the reply to the binary request" });
    const got = r.bytes;
    if (equals(got, reply)) return;
    const evidence = { expected: reply, actual: got };
    const cause = (equals(reply, request) ? droppedNulPieces(pieces, got) : undefined) ??
      stoppedAtNul(reply, got, h);
    const at = firstDifference(got, reply);
    const then = r.end === "timeout"
      ? `then nothing for ${t.timeoutMs} ms`
      : r.end === "eof"
      ? "then the server closed the connection"
      : r.end === "reset"
      ? "then the server reset the connection"
      : "";
    const facts = startsWith(reply, got)
      ? `The reply to the ${request.length}-byte binary request stopped after ${got.length} of ${reply.length} bytes, ${then}; the byte due there is ${
        byteHex(reply[got.length])
      }`
      : `The reply to the ${request.length}-byte binary request differs at byte ${at}: expected ${
        byteHex(reply[at])
      }, got ${byteHex(got[at])} (${got.length} byte${got.length === 1 ? "" : "s"} came${
        then ? `, ${then}` : ""
      })`;
    t.fail(cause ? `${facts} — ${cause}` : facts, evidence);
  },
};

/** Lengths whose two byte orders differ come back right. */
export const byteOrder: Case = {
  id: "tcp.framing.byte-order",
  title: "Length headers are read in network byte order (big-endian)",
  requirement:
    "Multi-byte lengths on the wire are big-endian; a server converts them with ntohs()/ntohl() before use",
  appliesTo: { transport: "tcp", requestReply: true, framing: ["length-prefix"] },
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    if (p.framing.kind !== "length-prefix") return t.skip("Needs a length-prefix profile");
    const headerBytes = p.framing.headerBytes;
    const size = p.framing.size ?? headerBytes;
    const c = await t.connect();
    for (const length of headerBytes === 2 ? [0x0102, 0x0201] : [0x0102, 0x010203]) {
      const request = sampleRequest(p, t.rng, length);
      const header = hexPairs(request.subarray(0, size));
      const swapped = swap(length, headerBytes);
      await c.send(request);
      try {
        await c.expect(p.expectedReply(request), {
          what: `reply to a frame with header ${header} (${length} payload bytes)`,
        });
      } catch (e) {
        const got = e instanceof CaseFailure && e.evidence.actual instanceof Uint8Array
          ? e.evidence.actual.length
          : -1;
        if ((got === 0 && swapped > length) || got === size + swapped) {
          withNote(
            e,
            `— read in little-endian order that header says ${swapped} bytes, ${
              got === 0
                ? "so such a server waits for bytes that never come"
                : "which matches what came back"
            }: length read in host order: missing ntohl/ntohs?`,
          );
        }
        throw e;
      }
    }
  },
};

/** The value of `n`'s `bytes` low bytes in the other byte order. */
function swap(n: number, bytes: 2 | 4): number {
  let out = 0;
  for (let i = 0; i < bytes; i++) out = out * 256 + ((n >>> (8 * i)) & 0xff);
  return out;
}

/** The `tcp.framing` group. */
export const framingCases: readonly Case[] = [
  byteByByte,
  splitHeader,
  randomSplit,
  coalesced,
  pipelined,
  large,
  binary,
  byteOrder,
];
