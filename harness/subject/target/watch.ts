/**
 * A remote target that goes down mid-run (no `--exec`, so nobody can restart it): once a target
 * that served starts refusing connections (TCP) or datagrams (UDP: ICMP port unreachable), the
 * case that was running is a `fail` ("the target stopped accepting connections during this case")
 * and every case after it on that transport ends at once as an `error` ("not run: the target has
 * been down since …") instead of each waiting out its own time-outs. When several cases were
 * running side by side, one is blamed by construction: the first, in `blameOrder()`, that saw a
 * problem; the others that saw one end as skips that name it.
 *
 * @module
 */
import { delay } from "@std/async/delay";
import {
  type Case,
  type CaseResult,
  connectedUdpAvailable,
  ConnectFailed,
  isProblem,
  probeUdp,
  type Reachability,
  type Target,
  TcpClient,
  Transcript,
  type Transport,
  WAITS,
} from "../../mod.ts";
import { blameOrder, collateral } from "../blame.ts";

/** How a connect (or a datagram) to the target went. */
type Answer = "accepted" | "refused" | "other";

/** One watched target: whether it served in this run, and since when it is down. */
interface Watched {
  target: Target;
  served: boolean;
  down?: { since: string; reason: string };
  /** The cases running on it now. */
  inFlight: Set<Case>;
  /** The cases that were running when it was found down: one of them is blamed. */
  cohort?: Cohort;
}

/** The cases running when a target was found down, and their results as they come in. */
interface Cohort {
  members: Case[];
  results: Map<string, { r: CaseResult; touched: boolean }>;
  settled: Promise<void>;
  settle: () => void;
}

/**
 * Watches the TCP and UDP targets between cases; pass its `hooks()` to the runner. It looks at a
 * target only after a case that did not pass, and only once the target has served in this run (a
 * TCP connect accepted, a datagram answered): a target that never served is left to each case.
 *
 * @example
 * ```ts ignore
 * const watch = new TargetWatch(targets.tcp, 2000, targets.udp);
 * const report = await runCases(cases, { ...options, ...watch.hooks() });
 * ```
 */
export class TargetWatch {
  readonly #watched: Partial<Record<Transport, Watched>> = {};
  readonly #timeoutMs: number;

  /**
   * @param target The TCP target, if the run has one.
   * @param timeoutMs How long a probe connect may take.
   * @param udp The UDP target, if the run has one: it is down when a datagram to it draws an ICMP
   * port unreachable (nothing bound), which needs `--allow-ffi`; silence is never taken as down.
   */
  constructor(target: Target | undefined, timeoutMs: number, udp?: Target) {
    if (target) this.#watched.tcp = { target, served: false, inFlight: new Set() };
    if (udp && connectedUdpAvailable()) {
      this.#watched.udp = { target: udp, served: false, inFlight: new Set() };
    }
    // Only a refusal counts, and a refusal (RST) comes back at once: a short wait keeps a target
    // whose listen queue is full from costing every failed case another connect time-out.
    this.#timeoutMs = Math.min(timeoutMs, WAITS.downProbeMs);
  }

  /** Whether the TCP target (or else the UDP one) is down for the rest of the run, and since when. */
  get down(): { since: string; reason: string } | undefined {
    return this.#watched.tcp?.down ?? this.#watched.udp?.down;
  }

  /** The runner's hooks. */
  hooks(): {
    beforeCase: (c: Case) => Promise<{ notRun?: string } | undefined>;
    afterCase: (c: Case, r: CaseResult) => Promise<CaseResult>;
    onFirstLook: (tcp: Reachability | undefined) => void;
  } {
    return {
      beforeCase: this.beforeCase,
      afterCase: this.afterCase,
      onFirstLook: this.onFirstLook,
    };
  }

  /** The run's first connect was accepted: the TCP target served in this run. */
  readonly onFirstLook = (tcp: Reachability | undefined): void => {
    if (tcp === "accepted" && this.#watched.tcp) this.#watched.tcp.served = true;
  };

  /** Ends a case unrun once a target it uses is down. */
  readonly beforeCase = async (c: Case): Promise<{ notRun?: string } | undefined> => {
    for (const w of this.#uses(c)) if (w.cohort) await w.cohort.settled;
    const d = this.#uses(c).map((w) => w.down).find((d) => d !== undefined);
    if (d) return { notRun: `Not run: the target has been down since ${d.since} (${d.reason})` };
    for (const w of this.#uses(c)) w.inFlight.add(c);
    return undefined;
  };

  /** Names the case during which a target that served stopped accepting connections. */
  readonly afterCase = async (c: Case, r: CaseResult): Promise<CaseResult> => {
    try {
      for (const w of this.#uses(c)) {
        // Only a target that served in this run can go down.
        const touched = servedIn(r, w.target);
        w.served ||= touched;
        if (w.cohort?.members.includes(c)) return await this.#blame(w, w.cohort, c, r, touched);
        if (!isProblem(r) || !w.served || w.down) continue;
        // A program that crashes as its client's connection ends may still be exiting at the
        // first look: a second look, a moment later, sees it gone.
        if (
          await this.#probe(w.target) !== "refused" &&
          (await delay(WAITS.lateDeathMs), await this.#probe(w.target)) !== "refused"
        ) continue;
        await delay(WAITS.downRecheckMs);
        if (await this.#probe(w.target) !== "refused") continue; // a moment's refusal
        // Another case of the same death may have found it down while this one looked.
        if (w.cohort?.members.includes(c)) return await this.#blame(w, w.cohort, c, r, touched);
        if (w.down) continue;
        const what = w.target.transport === "tcp" ? "connect to" : "datagram to";
        w.down = { since: c.id, reason: `${what} ${w.target.url} refused` };
        const { promise, resolve } = Promise.withResolvers<void>();
        const members = [...w.inFlight];
        if (!members.includes(c)) members.push(c);
        w.cohort = { members, results: new Map(), settled: promise, settle: resolve };
        return await this.#blame(w, w.cohort, c, r, touched);
      }
      return r;
    } finally {
      for (const w of this.#uses(c)) w.inFlight.delete(c);
    }
  };

  /**
   * Waits until every case of the cohort has its result; then the first in `blameOrder()` that
   * saw a problem fails for the death, and the others that saw one are skips that name it.
   */
  async #blame(
    w: Watched,
    cohort: Cohort,
    c: Case,
    r: CaseResult,
    touched: boolean,
  ): Promise<CaseResult> {
    cohort.results.set(c.id, { r, touched });
    if (cohort.members.every((m) => cohort.results.has(m.id))) cohort.settle();
    await cohort.settled;
    const culprit = blameOrder(cohort.members).find((m) => isProblem(cohort.results.get(m.id)!.r));
    if (culprit && w.down) w.down.since = culprit.id;
    const conns = w.target.transport === "tcp" ? "connections" : "datagrams";
    if (culprit === c) return stopped(w.target, r, touched);
    if (!culprit || !isProblem(r)) return r;
    return collateral(r, `the target stopped accepting ${conns}`, culprit.id);
  }

  /** The watched targets case `c` uses. */
  #uses(c: Case): Watched[] {
    const t = c.appliesTo.transport;
    return (["tcp", "udp"] as const)
      .filter((k) => t === "any" || t === k)
      .map((k) => this.#watched[k])
      .filter((w): w is Watched => w !== undefined);
  }

  async #probe(target: Target): Promise<Answer> {
    if (target.transport === "udp") {
      const r = await probeUdp(target, [new Uint8Array([0x0a])], { windowMs: this.#timeoutMs });
      return r.kind === "refused" ? "refused" : r.kind === "reply" ? "accepted" : "other";
    }
    try {
      const c = await TcpClient.connect(target, {
        label: "watch",
        transcript: new Transcript(),
        timeoutMs: this.#timeoutMs,
      });
      await c.close();
      return "accepted";
    } catch (e) {
      return e instanceof ConnectFailed && e.reason === "refused" ? "refused" : "other";
    }
  }
}

/** The fail of the case blamed for a target that stopped accepting connections (or datagrams). */
function stopped(target: Target, r: CaseResult, touched: boolean): CaseResult {
  // A case none of whose connects was accepted may have found the target already down: it
  // stopped at its first connect, or after an earlier connection of the run.
  const when = touched
    ? "during this case"
    : target.transport === "tcp"
    ? "by this case's first connect"
    : "by this case's first datagram";
  const now = target.transport === "tcp"
    ? `a connect to ${target.url} is refused now`
    : `a datagram to ${target.url} draws ICMP port unreachable now: nothing is bound there`;
  return {
    ...r,
    outcome: "fail",
    message: `The target stopped accepting ${
      target.transport === "tcp" ? "connections" : "datagrams"
    } ${when} (${now}: did the server exit or crash?). What the case saw: ${r.message}`,
  };
}

/** Whether the case's transcript shows `target` serving: a TCP connect accepted, a datagram back. */
function servedIn(r: CaseResult, target: Target): boolean {
  const where = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
  return r.transcript.some((e) =>
    target.transport === "tcp"
      ? e.kind === "connect" && e.detail?.endsWith(`-> ${where}`) === true
      : e.kind === "recv" && e.detail === `from ${target.host}:${target.port}`
  );
}
