/**
 * Client cases over UDP: a lost datagram, a large reply, a stray datagram from another port, and
 * a server that never answers, against the recvfrom() assumptions a client gets wrong.
 *
 * @module
 */
import { type ClientExchange, samplePayload } from "../../harness/mod.ts";
import { type ClientCase, clientCase } from "./_client_case.ts";
import { seconds } from "./_judge.ts";

/** The largest UDP payload over IPv4: 65,535 minus the IP and UDP headers. */
const MAX_DATAGRAM = 65507;

export const lostRequest: ClientCase = clientCase({
  id: "client.udp.lost-request",
  title: "A client whose first datagram is lost sends it again after a time-out",
  requirement:
    "UDP does not deliver every datagram; a client waits a bounded time for the reply (SO_RCVTIMEO, select() or poll()) and resends (course notes: recvfrom() might never complete)",
  transport: "udp",
  server: {
    transport: "udp",
    async udp(p) {
      let first = true;
      for (let d; (d = await p.receive());) {
        if (first) {
          first = false;
          p.note("first datagram dropped on purpose, as a network may: the client must resend");
        } else {
          await p.send(p.reply(d.data), d.from);
        }
      }
    },
  },
  payload: (t, profile) => samplePayload(profile, t.rng, 32),
  expect: "reply",
  hints: {
    hung: (x) =>
      x.datagrams.length <= 1
        ? "it sent one datagram, which was lost, and never sent it again: without a receive " +
          "time-out (SO_RCVTIMEO, select() or poll()) and a resend, one lost datagram hangs the " +
          "client for ever"
        : `it resent (${x.datagrams.length} datagrams in all) but never printed the reply`,
    exit: (x) => gaveUp(x),
    cut: (x) => gaveUp(x),
  },
});

/** Why a client that gave up on a lost datagram did not print the reply. */
function gaveUp(x: ClientExchange): string {
  return x.datagrams.length <= 1
    ? "it sent one datagram, which was lost, and gave up without sending it again; wait a " +
      "bounded time, then resend at least once"
    : `it resent (${x.datagrams.length} datagrams in all), but had given up before the reply came`;
}

export const largeReply: ClientCase = clientCase({
  id: "client.udp.large-reply",
  title: "A 65,507-byte reply datagram is printed whole",
  requirement:
    "recvfrom() cuts a datagram to the buffer it is given and drops the rest without a word; a client receives into a buffer that holds the largest reply (65,507 bytes over IPv4)",
  transport: "udp",
  server: {
    transport: "udp",
    async udp(p) {
      for (let d; (d = await p.receive());) await p.send(p.reply(d.data), d.from);
    },
  },
  payload: (t, profile) => samplePayload(profile, t.rng, MAX_DATAGRAM),
  expect: "reply",
  hints: {
    cut: (x) =>
      `the ${x.stdout.length}-byte reply datagram was cut to its first ${x.run.stdout.bytes.length} ` +
      `bytes: the client's receive buffer holds ${x.run.stdout.bytes.length} bytes, and ` +
      "recvfrom() drops the rest of a datagram silently; receive into 65,536 bytes",
  },
});

/** The datagram another port sends before the real reply. */
function strayFor(reply: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode("STRAY-FROM-ANOTHER-PORT-");
  return Uint8Array.from({ length: Math.max(1, reply.length) }, (_, i) => text[i % text.length]);
}

export const foreignSource: ClientCase = clientCase({
  id: "client.udp.foreign-source",
  title: "A datagram from another port that arrives before the reply is not taken for it",
  requirement:
    "Any host and port may send to a UDP socket; a client takes only the server's datagrams (it connect()s its socket, or compares recvfrom()'s source address)",
  transport: "udp",
  server: {
    transport: "udp",
    async udp(p) {
      for (let d; (d = await p.receive());) {
        const reply = p.reply(d.data);
        await p.sendStray(strayFor(reply), d.from);
        await p.sleep(50);
        await p.send(reply, d.from);
      }
    },
  },
  payload: (t, profile) => samplePayload(profile, t.rng, 32),
  expect: "reply",
  hints: {
    differs: () =>
      "a datagram from another port came 50 ms before the server's reply, and the client " +
      "printed it: it takes the first datagram from anyone; compare recvfrom()'s source with " +
      "the server's address, or connect() the socket so that the kernel drops the others",
  },
});

export const noReply: ClientCase = clientCase({
  id: "client.udp.no-reply",
  title: "A client whose server never answers gives up with a message within 10 s",
  requirement:
    "A UDP client cannot tell a lost datagram from a dead server; it waits a bounded time, resends a few times, then exits non-zero with a message instead of hanging in recvfrom()",
  transport: "udp",
  server: {
    transport: "udp",
    async udp(p) {
      for (let d; (d = await p.receive());) {
        p.note(`datagram ${d.data.length} bytes not answered, on purpose`);
      }
    },
  },
  payload: (t, profile) => samplePayload(profile, t.rng, 32),
  expect: "failure",
  hints: {
    hung: (x) =>
      `the server never answers, and after ${x.datagrams.length} datagram${
        x.datagrams.length === 1 ? "" : "s"
      } the client was still waiting: it has no receive time-out, so it hangs in recvfrom() for ` +
      "ever; wait a bounded time, resend a few times, then exit non-zero with a message",
    succeeded: (x) =>
      `no reply ever came, yet the client reported success after ${seconds(x.run.exit?.atMs ?? 0)}`,
  },
});

/** The UDP client cases, in listing order. */
export const udpClientCases: readonly ClientCase[] = [
  lostRequest,
  largeReply,
  foreignSource,
  noReply,
];
