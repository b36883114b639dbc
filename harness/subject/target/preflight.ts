/**
 * What `grade` does for a roster row's targets: before the run it checks each one answers (a TCP
 * connect; a UDP datagram that is not refused), runs the cases on those that do, and afterwards
 * turns the skips that only a missing or unreachable target caused into errors, so they count as
 * not passed.
 *
 * @module
 */
import {
  type Case,
  errorText,
  isRequestReply,
  makeRng,
  notApplicable,
  parseTarget,
  probeUdp,
  type Profile,
  type RunReport,
  sampleRequest,
  summarize,
  type Target,
  targetList,
  type Targets,
  TcpClient,
  Transcript,
  type Transport,
  WAITS,
} from "../../mod.ts";

/** A target that did not answer before the run. */
export interface Unreachable {
  target: Target;
  reason: string;
}

/**
 * Checks that each target is there: a TCP connect, and a UDP datagram that is not refused (an
 * ICMP port unreachable, where the platform reports one). A silent UDP target is not called
 * unreachable: its cases will say what it did.
 */
export async function preflight(
  targets: Targets,
  profile: Profile,
  timeoutMs: number,
): Promise<Unreachable[]> {
  const out: Unreachable[] = [];
  if (targets.tcp) {
    try {
      const c = await TcpClient.connect(targets.tcp, {
        label: "preflight",
        transcript: new Transcript(),
        timeoutMs,
      });
      await c.close();
    } catch (e) {
      out.push({ target: targets.tcp, reason: errorText(e) });
    }
  }
  if (targets.udp) {
    const datagram = isRequestReply(profile)
      ? sampleRequest(profile, makeRng(1), 8)
      : new Uint8Array(0);
    try {
      const r = await probeUdp(targets.udp, [datagram], {
        windowMs: Math.min(timeoutMs, WAITS.preflightUdpMs),
      });
      if (r.kind === "refused") {
        out.push({ target: targets.udp, reason: "ICMP port unreachable: no socket bound there" });
      }
    } catch (e) {
      out.push({ target: targets.udp, reason: errorText(e) });
    }
  }
  return out;
}

/**
 * Turns the skips of cases that would apply had every target been there into errors that say
 * why the target was missing (not in the roster, or unreachable before the run), so they count
 * as not passed; cases that do not apply to the profile stay skipped. Puts the roster's targets
 * back in the report's list.
 */
export function markMissing(
  report: RunReport,
  cases: readonly Case[],
  profile: Profile,
  given: Targets,
  ran: Targets,
  unreachable: readonly Unreachable[],
): RunReport {
  const full: Targets = {
    tcp: ran.tcp ?? given.tcp ?? parseTarget("tcp://192.0.2.1:9"),
    udp: ran.udp ?? given.udp ?? parseTarget("udp://192.0.2.1:9"),
  };
  const byId = new Map(cases.map((c) => [c.id, c]));
  const why = (t: Transport) => {
    const u = unreachable.find((u) => u.target.transport === t);
    return u
      ? `The ${t.toUpperCase()} target ${u.target.url} was unreachable before the run: ${u.reason}`
      : `The roster gives no ${t.toUpperCase()} target: this case counts as not passed`;
  };
  let changed = false;
  const results = report.cases.map((r) => {
    const c = byId.get(r.id);
    if (r.outcome !== "skip" || !c) return r;
    if (r.message !== notApplicable(c, ran, profile) || notApplicable(c, full, profile) !== null) {
      return r;
    }
    const missing = (["tcp", "udp"] as const).filter((t) =>
      !ran[t] && (c.appliesTo.transport === t || c.appliesTo.transport === "any")
    );
    changed = true;
    return { ...r, outcome: "error" as const, message: missing.map(why).join("; ") };
  });
  if (!changed && unreachable.length === 0) return report;
  return { ...report, targets: targetList(given), cases: results, summary: summarize(results) };
}
