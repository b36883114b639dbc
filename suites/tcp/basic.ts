/**
 * `tcp.basic`: the server accepts, answers one request, and closes when the client does.
 *
 * @module
 */
import { type Case, describeBytes, requestReply, sampleRequest, WAITS } from "../../harness/mod.ts";
import { transportHints } from "../wrong_transport.ts";

/** A fresh connection is accepted and kept open while the client has not spoken. */
export const connect: Case = {
  id: "tcp.basic.connect",
  title: "The server accepts a connection and keeps it open",
  requirement:
    "A listening socket completes the handshake and accept()s; a request/reply server then waits for the request instead of closing",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "first",
  hooks: transportHints,
  async run(t) {
    const c = await t.connect();
    const r = await c.readFor(WAITS.silenceMs, { max: 4096 });
    if (r.end === "eof" || r.end === "reset") {
      t.fail(
        `The server ${
          r.end === "eof" ? "closed" : "reset"
        } the connection before any request was sent${
          r.bytes.length ? `, after sending ${describeBytes(r.bytes, 40)}` : ""
        }`,
        {
          expected: "the connection stays open, waiting for a request",
          actual: `${r.end} after 0 bytes sent`,
        },
      );
    }
    if (r.bytes.length > 0) {
      t.fail(`The server sent ${describeBytes(r.bytes, 60)} before any request`, {
        expected: "nothing until a request arrives",
        actual: r.bytes,
      });
    }
  },
};

/** One request gets exactly its reply. */
export const singleRequest: Case = {
  id: "tcp.basic.single-request",
  title: "One request gets its reply",
  requirement: "A request/reply server answers a request with the profile's reply, byte for byte",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "first",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect();
    const request = sampleRequest(p, t.rng, 32);
    await c.send(request);
    await c.expect(p.expectedReply(request));
    const extra = await c.readFor(WAITS.afterReplyMs, { max: 4096 });
    if (extra.bytes.length > 0) {
      t.fail(`After the reply the server sent ${describeBytes(extra.bytes, 60)} more`, {
        expected: p.expectedReply(request),
        actual: new Uint8Array([...p.expectedReply(request), ...extra.bytes]),
      });
    }
  },
};

/** After the client shuts down its side, the server finishes and closes its own. */
export const cleanClose: Case = {
  id: "tcp.basic.clean-close",
  title: "The server closes after the client closes",
  requirement:
    "recv() returning 0 means the client closed its side; the server must then close the connection (FIN), not hang or reset",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "first",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect();
    const request = sampleRequest(p, t.rng, 16);
    await c.send(request);
    await c.expect(p.expectedReply(request));
    await c.closeWrite();
    await c.expectEof({ what: "after the client shut down its sending side" });
  },
};

/** The `tcp.basic` group. */
export const basicCases: readonly Case[] = [connect, singleRequest, cleanClose];
