/**
 * The RFC 863/864/867/868 service profiles: discard, chargen, daytime and time, each over TCP and
 * UDP. None is request/reply, so the request/reply groups skip them; their own cases live in
 * `suites/services/`. Each profile's `probe` is the liveness check: is a fresh client served?
 *
 * @module
 */
import {
  type CaseContext,
  CaseFailure,
  describeBytes,
  probeUdp,
  type Profile,
  WAITS,
} from "../../harness/mod.ts";
import { askUdp, silenceMs } from "../services/_ask.ts";

/** Connects and reads `n` bytes; fails when fewer come. */
async function tcpSends(t: CaseContext, n: number, what: string): Promise<void> {
  const c = await t.connect({ label: "probe" });
  const r = await c.readExactly(n);
  if (r.end !== "done") {
    throw new CaseFailure(
      `A new connection got ${r.bytes.length} of ${n} bytes of ${what} (${r.end})`,
      {
        expected: `${n} bytes of ${what}`,
        actual: r.bytes,
      },
    );
  }
  await c.close();
}

/** RFC 863 discard: takes everything, sends nothing. */
export const discard: Profile = {
  name: "discard",
  description: "RFC 863 discard: everything sent is thrown away; nothing comes back",
  transports: ["tcp", "udp"],
  framing: { kind: "none" },
  async probe(t, transport) {
    if (transport === "tcp") {
      const c = await t.connect({ label: "probe" });
      await c.send(new TextEncoder().encode("probe\r\n"));
      const r = await c.readFor(WAITS.discardProbeMs, { max: 4096 });
      if (r.end === "eof" || r.end === "reset") {
        throw new CaseFailure(
          `A new connection was ${r.end === "eof" ? "closed" : "reset"} at once`,
          {
            expected: "the connection stays open",
            actual: r.end,
          },
        );
      }
      await c.close();
      return;
    }
    const r = await probeUdp(t.udp, [new TextEncoder().encode("probe")], {
      windowMs: silenceMs(t),
      signal: t.signal,
      transcript: t.transcript,
    });
    if (r.kind === "refused") {
      throw new CaseFailure(`Nothing is bound to UDP port ${t.udp.port} (ICMP port unreachable)`, {
        expected: "a bound UDP socket",
        actual: "ICMP port unreachable",
      });
    }
  },
};

/** RFC 864 chargen: a stream (TCP) or a datagram (UDP) of the rotating character pattern. */
export const chargen: Profile = {
  name: "chargen",
  description:
    "RFC 864 character generator: TCP streams 72-character lines until the client closes; UDP answers each datagram with 0-512 characters",
  transports: ["tcp", "udp"],
  framing: { kind: "none" },
  async probe(t, transport) {
    if (transport === "tcp") return await tcpSends(t, 74, "the chargen stream");
    await askUdp(t, new Uint8Array(0), { label: "probe", what: "a probe datagram" });
  },
};

/** RFC 867 daytime: the date and time as text. */
export const daytime: Profile = {
  name: "daytime",
  description: "RFC 867 daytime: the current date and time as text; TCP closes after it",
  transports: ["tcp", "udp"],
  framing: { kind: "none" },
  async probe(t, transport) {
    if (transport === "tcp") {
      const c = await t.connect({ label: "probe" });
      const r = await c.readToEof({ max: 4096 });
      if (r.bytes.length === 0) {
        throw new CaseFailure(`A new connection got no date (${r.end})`, {
          expected: "the date as text",
          actual: "no bytes",
        });
      }
      await c.close();
      return;
    }
    await askUdp(t, new Uint8Array(0), { label: "probe", what: "a probe datagram" });
  },
};

/** RFC 868 time: 4 bytes of seconds since 1900. */
export const time: Profile = {
  name: "time",
  description: "RFC 868 time: 4 bytes, big-endian seconds since 1900-01-01; TCP closes after them",
  transports: ["tcp", "udp"],
  framing: { kind: "none" },
  async probe(t, transport) {
    if (transport === "tcp") return await tcpSends(t, 4, "time");
    const got = await askUdp(t, new Uint8Array(0), { label: "probe", what: "an empty datagram" });
    if (got.data.length !== 4) {
      throw new CaseFailure(
        `An empty datagram got ${describeBytes(got.data, 40)}, not 4 bytes of time`,
        {
          expected: "4 bytes",
          actual: got.data,
        },
      );
    }
  },
};

/** The service profiles. */
export const servicesProfiles: readonly Profile[] = [discard, chargen, daytime, time];
