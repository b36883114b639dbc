/**
 * A remote target that goes down mid-run (no `--exec`, so nobody can restart it): once a target
 * that served starts refusing connections, the case that was running is a `fail` ("the target
 * stopped accepting connections during this case") and every case after it ends at once as an
 * `error` ("not run: the target has been down since …") instead of each waiting out its own
 * time-outs.
 *
 * @module
 */
import {
  type Case,
  type CaseResult,
  ConnectFailed,
  isProblem,
  type Reachability,
  type Target,
  TcpClient,
  Transcript,
} from "../mod.ts";

/** How a connect to the target went. */
type Answer = "accepted" | "refused" | "other";

/**
 * Watches one TCP target between cases; pass its `hooks()` to the runner. It connects to the
 * target only after a case that did not pass, and only once the target has accepted a connection
 * in this run (a case's transcript shows it): a target that never served is left to each case.
 *
 * @example
 * ```ts ignore
 * const watch = new TargetWatch(targets.tcp, 2000);
 * const report = await runCases(cases, { ...options, ...watch.hooks() });
 * ```
 */
export class TargetWatch {
  readonly #target: Target | undefined;
  readonly #timeoutMs: number;
  #served = false;
  #down: { since: string; reason: string } | undefined;

  /**
   * @param target The TCP target, if the run has one (a UDP target is not watched: silence is
   * not refusal).
   * @param timeoutMs How long a probe connect may take.
   */
  constructor(target: Target | undefined, timeoutMs: number) {
    this.#target = target;
    // Only a refusal counts, and a refusal (RST) comes back at once: a short wait keeps a target
    // whose listen queue is full from costing every failed case another connect time-out.
    this.#timeoutMs = Math.min(timeoutMs, 250);
  }

  /** Whether the target is down for the rest of the run, and since which case. */
  get down(): { since: string; reason: string } | undefined {
    return this.#down;
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

  /** The run's first connect was accepted: the target served in this run. */
  readonly onFirstLook = (tcp: Reachability | undefined): void => {
    if (tcp === "accepted") this.#served = true;
  };

  /** Ends a case unrun once the target is down. */
  readonly beforeCase = (_c: Case): Promise<{ notRun?: string } | undefined> => {
    const d = this.#down;
    return Promise.resolve(
      d
        ? { notRun: `Not run: the target has been down since ${d.since} (${d.reason})` }
        : undefined,
    );
  };

  /** Names the case during which a target that served stopped accepting connections. */
  readonly afterCase = async (c: Case, r: CaseResult): Promise<CaseResult> => {
    const target = this.#target;
    if (!target) return r;
    // Only a target that accepted a connection in this run can go down.
    const where = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
    const accepted = r.transcript.some((e) =>
      e.kind === "connect" && e.detail?.endsWith(`-> ${where}`)
    );
    this.#served ||= accepted;
    if (!isProblem(r) || !this.#served) return r;
    if (!this.#down) {
      if (await this.#probe() !== "refused") return r;
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (await this.#probe() !== "refused") return r; // a moment's refusal, not a dead server
      this.#down = { since: c.id, reason: `connect to ${target.url} refused` };
    }
    // A case none of whose connects was accepted may have found the target already down: it
    // stopped at its first connect, or after an earlier connection of the run.
    const when = accepted ? "during this case" : "by this case's first connect";
    return {
      ...r,
      outcome: "fail",
      message: `The target stopped accepting connections ${when} (a connect to ${target.url} ` +
        `is refused now: did the server exit or crash?). What the case saw: ${r.message}`,
    };
  };

  async #probe(): Promise<Answer> {
    if (!this.#target) return "other";
    try {
      const c = await TcpClient.connect(this.#target, {
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
