/**
 * `ports`: TCP port N and UDP port N are different ports. A server asked to serve both must bind
 * a stream socket and a datagram socket, and what one carries never shows up on the other.
 *
 * @module
 */
import { equals, indexOfNeedle } from "@std/bytes";
import {
  type Case,
  type CaseContext,
  CaseFailure,
  ConnectFailed,
  describeBytes,
  formatTarget,
  isRequestReply,
  probeUdp,
  samplePayload,
  sampleRequest,
  type Target,
  WAITS,
} from "../harness/mod.ts";
import { silenceMs } from "./services/_ask.ts";
import { transportHints } from "./wrong_transport.ts";

/** A datagram the profile's server should answer (or, for services, simply receive). */
function probeDatagram(t: CaseContext, tag: string): Uint8Array {
  const p = t.profile;
  if (!isRequestReply(p)) return new Uint8Array(0);
  const body = samplePayload(p, t.rng, 16);
  body.set(new TextEncoder().encode(tag).subarray(0, body.length));
  return p.encode(body);
}

function other(transport: "tcp" | "udp", host: string, port: number): Target {
  return { transport, host, port, url: formatTarget(transport, host, port) };
}

/** Runs the profile's probe on `transport`; returns why it failed, or null when it is served. */
async function served(t: CaseContext, transport: "tcp" | "udp"): Promise<string | null> {
  try {
    if (t.profile.probe) await t.profile.probe(t, transport);
    else await t.liveness("a first probe went unanswered", transport);
    return null;
  } catch (e) {
    if (e instanceof CaseFailure || e instanceof ConnectFailed) return e.message;
    throw e;
  }
}

/** Both targets serve, and bytes sent on one never come back on the other. */
export const independent: Case = {
  id: "ports.independent",
  title: "The TCP and UDP targets both serve, and neither carries the other's bytes",
  requirement:
    "TCP and UDP have separate port spaces: a stream socket and a datagram socket are bound separately, and a reply goes back on the socket its request came in on",
  appliesTo: {
    transport: "any",
    targets: { tcp: true, udp: true, reason: "Needs both a TCP and a UDP target" },
  },
  hooks: transportHints,
  async run(t) {
    const p = t.profile;
    if (!isRequestReply(p)) {
      for (const transport of ["tcp", "udp"] as const) {
        const why = await served(t, transport);
        if (why) return t.fail(`The ${transport.toUpperCase()} target is not served: ${why}`);
      }
      return;
    }
    const c = await t.connect();
    const u = t.datagram();
    const overTcp = sampleRequest(p, t.rng, 24);
    const overUdp = sampleRequest(p, t.rng, 24);
    const tcpWant = p.expectedReply(overTcp);
    const udpWant = p.expectedReply(overUdp);
    await c.send(overTcp);
    await u.send(overUdp);
    const window = silenceMs(t);
    const [onTcp, onUdp] = await Promise.all([
      c.readFor(window, { max: 4096 }),
      u.receiveFor(window, { max: 8 }),
    ]);
    const tcpBytes = onTcp.bytes;
    if (udpWant.length > 0 && indexOfNeedle(tcpBytes, udpWant) >= 0) {
      return t.fail(
        `The reply to a UDP datagram came back on the TCP connection: TCP ${t.tcp.port} and UDP ${t.udp.port} are different sockets, and a datagram's reply goes back by sendto() to its source`,
        { expected: tcpWant, actual: tcpBytes },
      );
    }
    for (const d of onUdp) {
      if (!equals(d.data, udpWant) && tcpWant.length > 0 && indexOfNeedle(d.data, tcpWant) >= 0) {
        return t.fail(
          `The reply to bytes sent over TCP came back as a UDP datagram: TCP ${t.tcp.port} and UDP ${t.udp.port} are different sockets, and TCP replies go on the connection`,
          { expected: udpWant, actual: d.data },
        );
      }
    }
    if (!onUdp.some((d) => equals(d.data, udpWant))) {
      // The first send went out with the TCP bytes: wait on, and resend once if nothing came.
      const { replies: [got] } = await u.exchange([overUdp], { alreadySent: true });
      if (!got || !equals(got.data, udpWant)) {
        return t.fail(
          got
            ? `UDP ${t.udp.port} answered ${describeBytes(got.data, 60)}, not the reply`
            : `UDP ${t.udp.port} did not answer within ${t.timeoutMs} ms (sent twice) while TCP ${t.tcp.port} had a connection open`,
          { expected: udpWant, actual: got?.data ?? "no datagram" },
        );
      }
    }
    const n = Math.min(tcpBytes.length, tcpWant.length);
    if (
      tcpBytes.length > tcpWant.length || !equals(tcpBytes.subarray(0, n), tcpWant.subarray(0, n))
    ) {
      return t.fail(
        `The TCP connection carried ${describeBytes(tcpBytes, 60)}, not just its own reply`,
        { expected: tcpWant, actual: tcpBytes },
      );
    }
    if (tcpBytes.length < tcpWant.length) {
      await c.expect(tcpWant.subarray(tcpBytes.length), { what: "rest of the TCP reply" });
    }
  },
};

/** A declared UDP target is bound and answers; with only TCP, what UDP of that number does. */
export const udpSilent: Case = {
  id: "ports.udp-silent",
  title: "The UDP target is bound and served, not only the TCP port",
  requirement:
    "Serving TCP port N does not serve UDP port N: the server must bind a SOCK_DGRAM socket too, or the client's host answers with ICMP port unreachable",
  appliesTo: {
    transport: "any",
    targets: { tcp: true, reason: "Needs a TCP target: it looks at the UDP side of a TCP server" },
  },
  hooks: transportHints,
  async run(t) {
    const separate =
      "TCP and UDP ports are separate: serving TCP does not serve UDP, so a UDP socket (SOCK_DGRAM) must be bound to the UDP port too";
    if (!t.targets.udp) {
      const port = t.tcp.port;
      const r = await probeUdp(other("udp", t.tcp.host, port), [probeDatagram(t, "ports")], {
        windowMs: silenceMs(t),
        signal: t.signal,
        transcript: t.transcript,
      });
      const what = r.kind === "refused"
        ? `nothing is bound there (ICMP port unreachable): this server serves TCP ${port} only`
        : r.kind === "reply"
        ? `a socket answers there (${
          describeBytes(r.data, 40)
        } came back): give --target udp://${t.tcp.host}:${port} to test it`
        : r.icmp
        ? `a socket is bound there but sent nothing back within ${r.windowMs} ms`
        : `nothing came back within ${r.windowMs} ms (without --allow-ffi an unbound port cannot be told from a silent one)`;
      t.info(`UDP port ${port}: ${what}`, {
        udpSamePort: r.kind === "silent" && !r.icmp ? "unknown" : r.kind,
      });
      return;
    }
    const udp = t.udp;
    const r = await probeUdp(udp, [probeDatagram(t, "ports")], {
      windowMs: Math.min(t.timeoutMs, WAITS.udpFirstLookMs),
      signal: t.signal,
      transcript: t.transcript,
    });
    if (r.kind === "refused") {
      return t.fail(
        `Nothing is bound to UDP port ${udp.port} (the datagram drew an ICMP port unreachable) although TCP ${t.tcp.port} is declared too. ${separate}`,
        { expected: `a UDP socket bound to port ${udp.port}`, actual: "ICMP port unreachable" },
      );
    }
    if (r.kind === "reply") return;
    const why = await served(t, "udp");
    if (why) {
      t.fail(`UDP port ${udp.port} is silent: ${why}. ${separate}`, {
        expected: `the UDP target at port ${udp.port} is served`,
        actual: r.icmp ? "no answer (a socket is bound, but silent)" : "no answer",
      });
    }
  },
};

/** With only a UDP target: does TCP of the same number refuse? */
export const tcpRefused: Case = {
  id: "ports.tcp-refused",
  title: "What TCP port of the UDP target's number does",
  requirement:
    "Binding UDP port N does not bind TCP port N: a UDP-only server leaves TCP N refused, unless another program listens there",
  appliesTo: {
    transport: "any",
    targets: { tcp: false, udp: true, reason: "Only with a UDP target and no TCP target" },
  },
  hooks: transportHints,
  async run(t) {
    const port = t.udp.port;
    try {
      const c = await t.connect({ to: other("tcp", t.udp.host, port), label: "tcp" });
      await c.close();
      t.info(
        `TCP port ${port} accepts connections: some program listens there too (give --target tcp://${t.udp.host}:${port} to test it)`,
        { tcpSamePort: "accepts" },
      );
    } catch (e) {
      if (!(e instanceof ConnectFailed)) throw e;
      t.info(
        e.reason === "refused"
          ? `TCP port ${port} refuses connections: nothing listens there, as expected of a UDP-only server`
          : `TCP port ${port}: ${e.message}`,
        { tcpSamePort: e.reason },
      );
    }
  },
};

/** The `ports` group. */
export const portsCases: readonly Case[] = [independent, udpSilent, tcpRefused];
