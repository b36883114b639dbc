/**
 * The address subject: a server already running at `--target` addresses (or a roster row's
 * `tcp`/`udp` columns). Nobody can restart it, so its runner options carry the target-down watch
 * ({@linkcode TargetWatch}): once it stops accepting, the case in flight fails and the rest end
 * unrun. A roster row's targets are checked first (`preflight`): those that do not answer are
 * left out of the run, and the cases they would have run count as not passed.
 *
 * @module
 */
import { ALL_CASES } from "../../../suites/mod.ts";
import { type Targets, WAITS } from "../../mod.ts";
import { requireNet } from "../permissions.ts";
import { reproduceCommand } from "../run_flags.ts";
import type { Subject } from "../subject.ts";
import { markMissing, preflight } from "./preflight.ts";
import { TargetWatch } from "./watch.ts";

/** How an address subject is tested. */
export interface TargetSubjectOptions {
  /**
   * Check each target answers before the run, leave out those that do not, and count the cases a
   * missing or unreachable target would have run as errors (`grade`'s rows).
   */
  preflight?: boolean;
}

/**
 * The subject at `targets`.
 *
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { parseTargets } from "../../mod.ts";
 * import { readRunFlags, RUN_FLAGS } from "../run_flags.ts";
 * import { targetSubject } from "./subject.ts";
 * const s = targetSubject(parseTargets(["tcp://127.0.0.1:7"]));
 * s.reproduce(readRunFlags(parseArgs(["--seed", "1"], RUN_FLAGS)), "echo", "tcp.basic.connect");
 * // "deno task conform --target tcp://127.0.0.1:7 --profile echo --only tcp.basic.connect --seed 1"
 * ```
 */
export function targetSubject(targets: Targets, options: TargetSubjectOptions = {}): Subject {
  return {
    kind: "target",
    cases: ALL_CASES,
    declared: () => targets,
    check: () => requireNet("--target", [targets.tcp, targets.udp]),
    reproduce: (flags, profileSpec, id) => reproduceCommand(flags, targets, profileSpec, id),
    async open(profile, open = {}) {
      const timeoutMs = open.timeoutMs ?? WAITS.timeoutMs;
      const unreachable = options.preflight ? await preflight(targets, profile, timeoutMs) : [];
      const run: Targets = { ...targets };
      for (const u of unreachable) delete run[u.target.transport];
      return {
        ok: true,
        targets: () => run,
        options: (base) => ({
          ...base,
          ...new TargetWatch(run.tcp, base.timeoutMs ?? timeoutMs, run.udp).hooks(),
        }),
        close: () => Promise.resolve(undefined),
        finish: options.preflight
          ? (report, cases) => markMissing(report, cases, profile, targets, run, unreachable)
          : undefined,
        notes: unreachable.map((u) => `${u.target.url} unreachable: ${u.reason}`),
      };
    },
  };
}
