/**
 * `tcp.concurrency`: one client never holds up another, whether it is silent, not reading, or one
 * of many connected at once.
 *
 * @module
 */
import { type Case, requestReply, type TcpClient, WAITS } from "../../harness/mod.ts";
import { exchangeAll, flood, openCrowd, taggedRequest, within } from "./_crowd.ts";
import { transportHints } from "../wrong_transport.ts";

/** A silent client does not block the next one. */
export const idleClient: Case = {
  id: "tcp.concurrency.idle-client",
  title: "A client that sends nothing does not hold up the next one",
  requirement:
    "A server serves each client on its own: while one connection is open and silent, another client's request is answered",
  appliesTo: { transport: "tcp", requestReply: true },
  // Alone: a server that serves one client at a time is held by the silent A for the whole
  // time-out, and the cases beside it would fail for A's sake, or not, by timing. With the first
  // exchanges, before any case that can take the server down: its verdict is its own.
  alone: "first",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const a = await t.connect({ label: "A" });
    await within("While A was connected and silent, B was not served", async () => {
      const b = await t.connect({ label: "B" });
      const request = taggedRequest(t, "B");
      await b.send(request);
      await b.expect(p.expectedReply(request), { what: "reply to B" });
    });
    await within("After B was served, A (connected all along) was not", async () => {
      const request = taggedRequest(t, "A");
      await a.send(request);
      await a.expect(p.expectedReply(request), { what: "reply to A" });
    });
  },
};

/** A client that never reads its replies does not block the next one. */
export const slowReader: Case = {
  id: "tcp.concurrency.slow-reader",
  title: "A client that never reads its replies does not hold up the next one",
  requirement:
    "send() to a client that does not read blocks once the buffers fill; that must stall only that client, never the server",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const a = await t.connect({ label: "A" });
    const f = await flood(t, a, { limit: 64 * 1024 * 1024 });
    const state = f.end === "stalled"
      ? `until its sends blocked (${f.sent} bytes sent, no reply read)`
      : f.end === "reset"
      ? `until the server reset it (${f.sent} bytes sent)`
      : `(${f.sent} bytes sent, no reply read)`;
    await within(`While A sent requests ${state}, B was not served`, async () => {
      const b = await t.connect({ label: "B" });
      const request = taggedRequest(t, "B");
      await b.send(request);
      await b.expect(p.expectedReply(request), { what: "reply to B" });
    });
  },
};

/**
 * Clients connect this many at a time, and each wave is served before the next connects, so the
 * listen queue (tcp.backlog's subject) never overflows here.
 */
const WAVE = 4;

/** Many clients at once, each with its own request, each get their own reply. */
export const manyClients: Case = {
  id: "tcp.concurrency.many-clients",
  title: "Many clients connected at once each get their own reply",
  requirement:
    "Each accept()ed connection is its own byte stream: with N clients open at once (param clients, default 50), every one is answered with its own reply and none sees another's bytes",
  appliesTo: { transport: "tcp", requestReply: true },
  hooks: transportHints,
  exclusive: true,
  async run(t) {
    const n = t.param("clients", 50);
    await t.beforeLoad(`${n} clients at once`);
    const clients: TcpClient[] = [];
    while (clients.length < n) {
      const count = Math.min(WAVE, n - clients.length);
      const wave = async () => {
        const crowd = await openCrowd(t, count, {
          parallel: count,
          connectMs: t.timeoutMs + WAITS.synRetryMs,
          label: "c",
          firstNumber: clients.length + 1,
        });
        await exchangeAll(t, crowd, t.timeoutMs);
        clients.push(...crowd);
      };
      if (clients.length === 0) await wave();
      else {
        await within(
          `With ${clients.length} clients connected and served, the next ${count} were not all served`,
          wave,
        );
      }
    }
    await within(
      `With all ${n} clients connected, each sending a second request at the same time`,
      () => exchangeAll(t, clients, t.timeoutMs + WAITS.perClientMs * n, 2),
    );
    await Promise.all(clients.map((c) => c.close()));
  },
};

/** The `tcp.concurrency` group. */
export const concurrencyCases: readonly Case[] = [idleClient, slowReader, manyClients];
