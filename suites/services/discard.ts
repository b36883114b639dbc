/**
 * `services.discard`: RFC 863 discard takes everything and sends nothing back.
 *
 * @module
 */
import { type Case, describeBytes, probeUdp, samplePayload } from "../../harness/mod.ts";
import { silenceMs } from "./_ask.ts";
import { transportHints } from "../wrong_transport.ts";

/** Bytes the TCP case sends after the silence check, to see that the server keeps reading. */
export const DISCARD_BULK = 1024 * 1024;

/** TCP: nothing comes back, the server keeps reading, and it closes after the client's EOF. */
export const discardTcp: Case = {
  id: "services.discard.tcp",
  title: "Discard over TCP reads everything, sends nothing, and closes after the client",
  requirement:
    "RFC 863: a TCP discard server throws away any data it receives and sends no response; it reads until the client closes, then closes",
  appliesTo: { transport: "tcp", profiles: ["discard"] },
  hooks: transportHints,
  async run(t) {
    const c = await t.connect();
    const first = samplePayload({}, t.rng, 1024);
    await c.send(first);
    const window = silenceMs(t);
    const r = await c.readFor(window);
    if (r.bytes.length > 0) {
      return t.fail(
        `The server sent ${
          describeBytes(r.bytes, 60)
        } back within ${window} ms of 1024 bytes: discard sends nothing`,
        { expected: "no bytes", actual: r.bytes },
      );
    }
    if (r.end === "eof" || r.end === "reset") {
      return t.fail(
        `The server ${
          r.end === "eof" ? "closed" : "reset"
        } the connection while the client was still sending: discard reads until the client closes`,
        { expected: "the connection stays open", actual: r.end === "eof" ? "EOF" : "reset" },
      );
    }
    const bulk = await c.send(samplePayload({}, t.rng, DISCARD_BULK, true));
    if (bulk.end !== "done") {
      return t.fail(
        bulk.end === "timeout"
          ? `Sending stalled after ${bulk.sent} of ${DISCARD_BULK} bytes for ${t.timeoutMs} ms: the server stopped reading, so the kernel buffers filled`
          : `The server reset the connection after ${bulk.sent} of ${DISCARD_BULK} bytes`,
        { expected: `${DISCARD_BULK} bytes accepted`, actual: `${bulk.sent} bytes accepted` },
      );
    }
    await c.closeWrite();
    await c.expectEof({ what: "after the client shut down its sending side" });
  },
};

/** UDP: datagrams get no answer, and a socket is bound to take them. */
export const discardUdp: Case = {
  id: "services.discard.udp",
  title: "Discard over UDP answers no datagram, and has a socket bound",
  requirement:
    "RFC 863: a UDP discard server receives datagrams and sends no response; it must still bind the port, or the client's host answers with ICMP port unreachable",
  appliesTo: { transport: "udp", profiles: ["discard"] },
  hooks: transportHints,
  async run(t) {
    const window = silenceMs(t);
    const datagrams = [samplePayload({}, t.rng, 32), new Uint8Array(0), t.rng.bytes(512)];
    const r = await probeUdp(t.udp, datagrams, {
      windowMs: window,
      signal: t.signal,
      transcript: t.transcript,
      label: "u1",
    });
    if (r.kind === "reply") {
      return t.fail(
        `The server answered with ${
          describeBytes(r.data, 60)
        } ${r.afterMs} ms after 3 datagrams: discard sends nothing`,
        { expected: "no datagram", actual: r.data },
      );
    }
    if (r.kind === "refused") {
      t.fail(
        `Nothing is bound to UDP port ${t.udp.port}: the datagrams drew an ICMP port unreachable. A discard server must bind a UDP socket and read (and drop) what arrives`,
        { expected: "silence from a bound socket", actual: "ICMP port unreachable" },
      );
    }
  },
};

/** The `services.discard` group. */
export const discardCases: readonly Case[] = [discardTcp, discardUdp];
