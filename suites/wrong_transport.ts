/**
 * The wrong-transport hint: when the declared transport is dead on port N but the other transport
 * answers on N, the server most likely bound the wrong socket type, and the message says so.
 *
 * @module
 */
import {
  type CaseHooks,
  type CaseResult,
  ConnectFailed,
  isRequestReply,
  makeRng,
  probeUdp,
  type Profile,
  sampleRequest,
  type Target,
  type Transcript,
  WAITS,
} from "../harness/mod.ts";

/** A datagram the profile's server would answer (an empty one for the services). */
function hintDatagram(profile: Profile): Uint8Array {
  if (!isRequestReply(profile)) return new Uint8Array(0);
  return sampleRequest(profile, makeRng(1), 8);
}

/**
 * Returns `e` with a hint added when it is a refused or unanswered TCP connect and UDP of the same
 * port number answers (or has a socket bound); returns `e` unchanged otherwise.
 *
 * @example
 * ```ts
 * import { withTcpHint } from "./wrong_transport.ts";
 * // catch (e) { throw await withTcpHint(e, target, profile); }
 * ```
 */
export async function withTcpHint(
  e: unknown,
  to: { host: string; port: number },
  profile: Profile,
  options: { signal?: AbortSignal; transcript?: Transcript } = {},
): Promise<unknown> {
  // Only a refusal: a port with only a UDP socket bound answers a TCP SYN with RST at once. A
  // time-out says nothing about transports (a full backlog drops SYNs) and must stay cheap.
  if (!(e instanceof ConnectFailed) || e.reason !== "refused") return e;
  if (options.signal?.aborted) return e;
  let r;
  try {
    r = await probeUdp(to, [hintDatagram(profile)], {
      windowMs: WAITS.hintWindowMs,
      signal: options.signal,
      transcript: options.transcript,
      label: "hint",
    });
  } catch {
    return e;
  }
  const n = to.port;
  const hint = r.kind === "reply"
    ? `nothing on TCP ${n}, but UDP ${n} answers: did you bind SOCK_DGRAM instead of SOCK_STREAM?`
    : r.kind === "silent" && r.icmp
    ? `nothing on TCP ${n}, but a UDP socket is bound to ${n} (no ICMP refusal): did you bind SOCK_DGRAM instead of SOCK_STREAM?`
    : null;
  if (!hint) return e;
  return new ConnectFailed(`${e.message}; ${hint}`, e.reason, { cause: e });
}

/**
 * After a UDP case failed or errored without a single datagram back, looks at why: when nothing
 * is bound to the UDP port but TCP of that number accepts connections, the result becomes an
 * `error` naming the likely mix-up; when nothing is bound at all, the message says so.
 *
 * @example
 * ```ts
 * import { addUdpHint } from "./wrong_transport.ts";
 * // const result = await runCase(udpCase, options);
 * // await addUdpHint(result, options.targets.udp!, options.profile); // transportHints does this
 * ```
 */
export async function addUdpHint(result: CaseResult, udp: Target, profile: Profile): Promise<void> {
  if (result.outcome !== "fail" && result.outcome !== "error") return;
  if (result.transcript.some((e) => e.kind === "recv")) return;
  const r = await probeUdp(udp, [hintDatagram(profile)], { windowMs: WAITS.hintWindowMs })
    .catch(() => null);
  if (r?.kind !== "refused") return;
  const n = udp.port;
  let tcpAccepts = false;
  try {
    const conn = await Deno.connect({
      hostname: udp.host,
      port: n,
      signal: AbortSignal.timeout(WAITS.hintWindowMs),
    });
    conn.close();
    tcpAccepts = true;
  } catch { /* refused or no answer: no TCP either */ }
  if (tcpAccepts) {
    result.outcome = "error";
    result.message =
      `Nothing on UDP ${n} (ICMP port unreachable), but TCP ${n} accepts connections: did you bind SOCK_STREAM instead of SOCK_DGRAM? (the case saw: ${result.message})`;
  } else {
    result.message += ` (nothing is bound to UDP ${n}: ICMP port unreachable)`;
  }
}

/**
 * The wrong-transport hints as case hooks: a refused TCP connect names a UDP socket on the same
 * port, and a UDP case that got nothing back names a TCP listener. Cases register them with
 * `hooks: transportHints`; the runner calls them without knowing what they do.
 */
export const transportHints: CaseHooks = {
  connectFailed: (e, to, t) =>
    withTcpHint(e, to, t.profile, { signal: t.signal, transcript: t.transcript }),
  async finished(result, run) {
    if (run.transport === "udp" && run.targets.udp) {
      await addUdpHint(result, run.targets.udp, run.profile);
    }
  },
};
