/**
 * `udp.basic`: one datagram gets its reply, from the port it was sent to.
 *
 * @module
 */
import { equals } from "@std/bytes";
import { type Case, describeBytes, requestReply, sampleRequest } from "../../harness/mod.ts";
import { transportHints } from "../wrong_transport.ts";

/** One datagram is answered with exactly its reply, from the target's own address and port. */
export const singleDatagram: Case = {
  id: "udp.basic.single-datagram",
  title: "One datagram gets its reply",
  requirement:
    "A UDP server answers each datagram with one datagram, sent to the source address recvfrom() reported, from the port the client sent to",
  appliesTo: { transport: "udp", requestReply: true },
  alone: "first",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const u = t.datagram();
    const request = sampleRequest(p, t.rng, 32);
    const want = p.expectedReply(request);
    await u.send(request);
    const got = await u.receive();
    if (!got) {
      return t.fail(`No reply datagram within ${t.timeoutMs} ms`, {
        expected: want,
        actual: "no datagram",
      });
    }
    if (!equals(got.data, want)) {
      t.fail(
        `The reply was ${describeBytes(got.data, 60)}, not the expected ${want.length} bytes`,
        {
          expected: want,
          actual: got.data,
        },
      );
    }
    if (got.from.port !== t.udp.port) {
      t.fail(
        `The reply came from port ${got.from.port}, not from ${t.udp.port} where the request went: clients that connect() their UDP socket will never see it`,
        {
          expected: `a reply from port ${t.udp.port}`,
          actual: `a reply from port ${got.from.port}`,
        },
      );
    }
  },
};

/** The `udp.basic` group. */
export const basicCases: readonly Case[] = [singleDatagram];
