/**
 * `udp.datagram`: a UDP server keeps datagram boundaries, answers datagrams of every size whole,
 * answers an empty one, replies to each datagram's own source, and keeps serving after garbage.
 *
 * Loopback UDP can drop datagrams when a burst fills a socket buffer. Checks that are not about
 * loss resend a missing datagram once before they conclude anything.
 *
 * @module
 */
import { equals } from "@std/bytes";
import { encodeHex } from "@std/encoding/hex";
import {
  type Case,
  type CaseContext,
  describeBytes,
  firstDifference,
  requestReply,
  samplePayload,
  sampleRequest,
  WAITS,
} from "../../harness/mod.ts";
import { transportHints } from "../wrong_transport.ts";

const key = (b: Uint8Array) => encodeHex(b);

/** A request whose payload starts with `tag` (letters and digits) and is `size` bytes long. */
function taggedRequest(t: CaseContext, tag: string, size: number): Uint8Array {
  const p = requestReply(t);
  const head = new TextEncoder().encode(tag);
  const rest = samplePayload(p, t.rng, Math.max(0, size - head.length));
  const payload = new Uint8Array(head.length + rest.length);
  payload.set(head);
  payload.set(rest, head.length);
  return p.encode(payload.subarray(0, Math.min(payload.length, p.maxPayload ?? payload.length)));
}

/** Three datagrams sent back to back come back as three replies, one per request. */
export const boundaries: Case = {
  id: "udp.datagram.boundaries",
  title: "Three datagrams sent back to back get three separate replies",
  requirement:
    "UDP keeps message boundaries: each recvfrom() returns exactly one datagram, so each reply answers exactly one request",
  appliesTo: { transport: "udp", requestReply: true },
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const u = t.datagram();
    const requests = [12, 24, 36].map((n, i) => taggedRequest(t, `d${i + 1}x`, n));
    const wants = requests.map((r) => p.expectedReply(r));
    const { replies, unexpected: d } = await u.exchange(requests, {
      replyTo: (reply, open) => open.find((i) => equals(reply.data, wants[i])),
    });
    if (d) {
      const merged = mergedFrom(d.data, wants);
      if (merged) {
        return t.fail(
          `One reply of ${d.data.length} bytes carried the replies to datagrams ${
            merged.map((i) => i + 1).join(" and ")
          } together: the server treats UDP as a byte stream (or never resets its buffer) instead of answering each datagram on its own`,
          { expected: wants[merged.at(-1)!], actual: d.data },
        );
      }
      return t.fail(
        `A reply matched none of the three datagrams sent: ${describeBytes(d.data, 60)}`,
        { expected: wants.map((w) => describeBytes(w, 40)).join(" | "), actual: d.data },
      );
    }
    const missing = replies.flatMap((r, i) => r ? [] : [i]);
    if (missing.length > 0) {
      t.fail(
        `Datagram${missing.length > 1 ? "s" : ""} ${
          missing.map((i) => i + 1).join(", ")
        } of 3 got no reply within ${t.timeoutMs} ms, even when sent a second time`,
        {
          expected: "3 replies, one per datagram",
          actual: `${requests.length - missing.length} replies`,
        },
      );
    }
  },
};

/** The indices of replies whose concatenation (in some order of sending) makes up `data`. */
function mergedFrom(data: Uint8Array, wants: Uint8Array[]): number[] | null {
  const walk = (off: number, used: number[]): number[] | null => {
    if (off === data.length) return used.length > 1 ? used : null;
    for (let i = 0; i < wants.length; i++) {
      const w = wants[i];
      if (used.includes(i) || w.length === 0 || off + w.length > data.length) continue;
      if (equals(data.subarray(off, off + w.length), w)) {
        const found = walk(off + w.length, [...used, i]);
        if (found) return found;
      }
    }
    return null;
  };
  return walk(0, []);
}

/** The datagram sizes `udp.datagram.sizes` sends: small, a full Ethernet payload, large, maximal. */
export const DATAGRAM_SIZES: readonly number[] = [1, 512, 1472, 8192, 65507];

/** Datagrams of 1 to 65 507 bytes come back byte-exact. */
export const sizes: Case = {
  id: "udp.datagram.sizes",
  title: "Datagrams of 1, 512, 1472, 8192 and 65507 bytes come back whole",
  requirement:
    "recvfrom() cuts a datagram longer than its buffer and the rest is lost; a UDP server needs a buffer as large as the largest datagram (65 507 bytes over IPv4)",
  appliesTo: { transport: "udp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const overhead = p.encode(new Uint8Array(0)).length;
    const fits = (size: number) =>
      size >= overhead && size - overhead <= (p.maxPayload ?? Infinity);
    const sizes = DATAGRAM_SIZES.filter(fits);
    if (sizes.length === 0) {
      return t.skip(`Profile "${p.name}" cannot build a request of any of these sizes`);
    }
    // The sizes are independent: all at once, from a socket each, so a silent target costs one
    // wait; the verdict names every size that failed, not only the first.
    const requests = sizes.map((size) => sampleRequest(p, t.rng, size - overhead, true));
    const results = await Promise.all(
      requests.map((r, i) => t.datagram({ label: `u${sizes[i]}` }).exchange([r])),
    );
    const failed = sizes.flatMap((size, i) => {
      const want = p.expectedReply(requests[i]);
      const got = results[i].replies[0]?.data;
      return got && equals(got, want) ? [] : [{ size, want, got }];
    });
    if (failed.length === 0) return;
    const cutTo = (f: (typeof failed)[number]) =>
      f.got && f.got.length < f.want.length && equals(f.got, f.want.subarray(0, f.got.length))
        ? f.got.length
        : undefined;
    const cut = failed.filter((f) => cutTo(f) !== undefined);
    const lost = failed.filter((f) => !f.got);
    const wrong = failed.filter((f) => f.got && cutTo(f) === undefined);
    const parts: string[] = [];
    if (cut.length > 0) {
      const n = cutTo(cut[0])!;
      const same = cut.every((f) => cutTo(f) === n);
      const whole = sizes.filter((size) => !failed.some((f) => f.size === size));
      const listed = cut.map((f) => `${f.size} → ${cutTo(f)}`).join(", ");
      if (same && cut.length > 1) {
        const buffer = p.framing.kind === "stream" && whole.every((size) => size <= n)
          ? `: the server's receive buffer is ${n} bytes`
          : "";
        parts.push(
          `every datagram longer than ${n} bytes came back as its first ${n} bytes (${listed}` +
            ` bytes)${buffer} (recvfrom() silently drops the rest of a longer datagram)`,
        );
      } else if (cut.length === 1) {
        const buffer = p.framing.kind === "stream"
          ? `the server's receive buffer is ${n} bytes`
          : "the server's receive buffer is too small for it";
        parts.push(
          `${
            cut[0].size
          }-byte datagram came back as ${n} bytes: ${buffer} (recvfrom() silently drops the rest of a longer datagram)`,
        );
      } else {
        parts.push(`datagrams came back cut (${listed} bytes)`);
      }
    }
    for (const f of wrong) {
      parts.push(
        `the reply to a ${f.size}-byte datagram was ${
          f.got!.length
        } bytes and differs from the expected ${f.want.length} bytes at byte ${
          firstDifference(f.got!, f.want)
        }`,
      );
    }
    if (lost.length > 0) {
      const which = lost.map((f) => f.size).join(", ");
      parts.push(
        `${lost.length === 1 ? "a" : "the"} ${which}-byte datagram${
          lost.length === 1 ? "" : "s"
        } got no reply within ${t.timeoutMs} ms, though sent twice`,
      );
    }
    const text = parts.join("; ");
    const first = cut[0] ?? wrong[0] ?? lost[0];
    t.fail(
      failed.length > 1
        ? `${failed.length} of ${sizes.length} sizes failed: ${text}`
        : `${text[0].toUpperCase()}${text.slice(1)}`,
      { expected: first.want, actual: first.got ?? "no datagram" },
    );
  },
};

/** An empty datagram gets an empty reply, and the server keeps serving. */
export const zeroLength: Case = {
  id: "udp.datagram.zero-length",
  title: "An empty datagram gets an empty reply",
  requirement:
    "RFC 862: the data of a received datagram is sent back, and zero bytes is a datagram too; recvfrom() returning 0 is not an error or an end of file",
  appliesTo: { transport: "udp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const request = p.encode(new Uint8Array(0));
    if (request.length !== 0) {
      return t.skip(`Profile "${p.name}" never sends an empty datagram`);
    }
    const want = p.expectedReply(request);
    // The probe goes out right behind the empty datagram, and both waits run at once: the server
    // meets the empty datagram first, and a silent target costs one wait, not two.
    const answer = t.datagram().exchange([request]);
    const alive = t.liveness("an empty datagram", "udp").then(() => null, (e: unknown) => e);
    const { replies: [got] } = await answer;
    if (!got) {
      t.warn(
        `An empty datagram got no reply within ${t.timeoutMs} ms, though it was sent twice: RFC 862 sends the data back, and an empty datagram has zero bytes of it (a server that skips recvfrom() results of 0 never answers)`,
      );
    } else if (!equals(got.data, want)) {
      return t.fail(`An empty datagram got ${describeBytes(got.data, 60)} back`, {
        expected: want.length === 0 ? "an empty datagram" : want,
        actual: got.data,
      });
    }
    const dead = await alive;
    if (dead) throw dead;
  },
};

/** Several clients on different ports, interleaved: each gets only its own replies. */
export const replyToSource: Case = {
  id: "udp.datagram.reply-to-source",
  title: "Interleaved clients on different ports each get only their own replies",
  requirement:
    "A UDP server has one socket for every client: it must send each reply to the address recvfrom() returned for that datagram, not to a remembered or fixed one",
  appliesTo: { transport: "udp", requestReply: true },
  hooks: transportHints,
  async run(t) {
    await crossTalk(t, { clients: 4, rounds: 3 });
  },
};

/** Fifty clients at once, distinct payloads: no reply goes to the wrong client. */
export const manyClients: Case = {
  id: "udp.datagram.many-clients",
  title: "50 clients sending at once each get their own reply",
  requirement:
    "Replies go to each datagram's source even when many clients' datagrams are queued at once",
  appliesTo: { transport: "udp", requestReply: true },
  hooks: transportHints,
  exclusive: true,
  async run(t) {
    const clients = t.param("udp-clients", 50);
    await t.beforeLoad(`${clients} clients at once`);
    await crossTalk(t, { clients, rounds: 1 });
  },
};

/**
 * Opens `clients` sockets, sends `rounds` tagged requests from each, interleaved, and fails on a
 * reply that reaches the wrong socket or (after one resend) never arrives.
 */
async function crossTalk(
  t: CaseContext,
  { clients, rounds }: { clients: number; rounds: number },
): Promise<void> {
  const p = requestReply(t);
  const sockets = Array.from({ length: clients }, (_, i) => t.datagram({ label: `u${i + 1}` }));
  const requests = sockets.map((_, i) =>
    Array.from({ length: rounds }, (_, r) => taggedRequest(t, `u${i + 1}r${r + 1}x`, 24))
  );
  const owner = new Map<string, { client: number; round: number }>();
  requests.forEach((rs, i) =>
    rs.forEach((r, n) => owner.set(key(p.expectedReply(r)), { client: i, round: n }))
  );
  // All clients at once: their datagrams interleave, and each resends its own unanswered ones.
  const results = await Promise.all(sockets.map((u, i) =>
    u.exchange(requests[i], {
      replyTo: (d) => {
        const who = owner.get(key(d.data));
        return who?.client === i ? who.round : undefined;
      },
    })
  ));
  for (const [i, { unexpected: d }] of results.entries()) {
    if (!d) continue;
    const u = sockets[i];
    const who = owner.get(key(d.data));
    if (who) {
      const other = sockets[who.client];
      return t.fail(
        `Client ${u.label} (port ${u.localPort}) received the reply meant for ${other.label} (port ${other.localPort}): the server sent it to an address other than the datagram's source`,
        {
          expected: `only replies to ${u.label}'s own datagrams, at port ${u.localPort}`,
          actual: d.data,
        },
      );
    }
    return t.fail(
      `Client ${u.label} received a datagram that answers none of the requests: ${
        describeBytes(d.data, 60)
      }`,
      { expected: p.expectedReply(requests[i][0]), actual: d.data },
    );
  }
  const unanswered = results.map((r) => r.replies.filter((d) => !d).length);
  const silent = sockets.map((_, i) => i).filter((i) => unanswered[i] > 0);
  if (silent.length === 0) return;
  const sent = clients * rounds;
  const lost = silent.reduce((n, i) => n + unanswered[i], 0);
  const names = silent.slice(0, 5).map((i) => `${sockets[i].label} (port ${sockets[i].localPort})`);
  t.fail(
    `${lost} of ${sent} datagrams from ${clients} clients got no reply, even when sent a second time; no reply reached ${
      names.join(", ")
    }${silent.length > 5 ? ` and ${silent.length - 5} more` : ""}`,
    { expected: `${sent} replies, each to its own client`, actual: `${sent - lost} replies` },
  );
}

/** 200 datagrams, paced: the share answered and the latency, as a measurement. */
export const delivery: Case = {
  id: "udp.datagram.delivery",
  title: "Reply rate and latency over 200 paced datagrams",
  requirement:
    "UDP may drop datagrams, so this is a measurement, not a rule; a server that answers none of them fails",
  appliesTo: { transport: "udp", requestReply: true },
  hooks: transportHints,
  exclusive: true,
  async run(t) {
    const p = requestReply(t);
    const total = t.param("datagrams", 200);
    await t.beforeLoad(`${total} paced datagrams`);
    const window = 16;
    const u = t.datagram();
    const inFlight = new Map<string, number>();
    const everSent = new Set<string>();
    const latencies: number[] = [];
    let sent = 0;
    const started = performance.now();
    while (sent < total || inFlight.size > 0) {
      while (sent < total && inFlight.size < window) {
        const request = taggedRequest(t, `n${sent + 1}x`, 32);
        inFlight.set(key(p.expectedReply(request)), performance.now());
        everSent.add(key(p.expectedReply(request)));
        await u.send(request);
        sent++;
      }
      const d = await u.receive();
      if (!d) {
        // Nothing answered at all: one wait says so. Otherwise the ones in flight are lost.
        if (latencies.length === 0) break;
        inFlight.clear();
        continue;
      }
      const k = key(d.data);
      const at = inFlight.get(k);
      if (at === undefined) {
        if (everSent.has(k)) continue; // a late reply to a datagram already counted as lost
        return t.fail(
          `After ${sent} datagrams, one came back that answers none of them: ${
            describeBytes(d.data, 60)
          }`,
          { expected: "replies to the datagrams sent", actual: d.data },
        );
      }
      inFlight.delete(k);
      latencies.push(performance.now() - at);
    }
    if (latencies.length === 0) {
      return t.fail(
        `None of the first ${sent} datagrams got a reply within ${t.timeoutMs} ms`,
        { expected: "replies to most datagrams", actual: "no datagram" },
      );
    }
    const elapsed = (performance.now() - started) / 1000;
    const sorted = latencies.sort((a, b) => a - b);
    const pct = (q: number) =>
      round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
    const data = {
      sent: total,
      answered: latencies.length,
      lost: total - latencies.length,
      replyRate: round(latencies.length / total),
      datagramsPerSecond: Math.round(latencies.length / elapsed),
      latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: round(sorted.at(-1)!) },
    };
    t.info(
      `${latencies.length} of ${total} datagrams answered (${
        Math.round(data.replyRate * 100)
      }%), ${data.datagramsPerSecond}/s with ${window} in flight; latency p50 ${data.latencyMs.p50} ms, p90 ${data.latencyMs.p90} ms, p99 ${data.latencyMs.p99} ms, max ${data.latencyMs.max} ms`,
      data,
    );
  },
};

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Garbage and a maximal datagram do not stop the server. */
export const robustness: Case = {
  id: "udp.datagram.robustness",
  title: "The server keeps serving after garbage and a maximal datagram",
  requirement:
    "A UDP server reads datagrams from anyone: one it cannot parse, or one as large as UDP allows, must cost that datagram only, never the server",
  appliesTo: { transport: "udp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const u = t.datagram();
    for (const n of [1, 7, 64, 300]) await u.send(t.rng.bytes(n));
    await u.send(t.rng.bytes(65507));
    await u.receiveFor(WAITS.udpGarbageMs, { max: 8 });
    await t.liveness("random binary datagrams and a 65507-byte datagram", "udp");
  },
};

/** The `udp.datagram` group. */
export const datagramCases: readonly Case[] = [
  boundaries,
  sizes,
  zeroLength,
  replyToSource,
  manyClients,
  delivery,
  robustness,
];
