/**
 * The address subject: a server already running at `--target` addresses (or a roster row's
 * `tcp`/`udp` columns). Nobody can restart it, so its runner options carry the target-down watch
 * ({@linkcode TargetWatch}): once it stops accepting, the case in flight fails and the rest end
 * unrun.
 *
 * @module
 */
import { ALL_CASES } from "../../../suites/mod.ts";
import { type Targets, WAITS } from "../../mod.ts";
import { requireNet } from "../permissions.ts";
import { reproduceCommand } from "../run_flags.ts";
import type { Subject } from "../subject.ts";
import { TargetWatch } from "./watch.ts";

/**
 * The subject at `targets`.
 *
 * @param shown The targets the reproduce line names (default `targets`): a roster row's, when
 * some of them were unreachable and left out of the run.
 * @example
 * ```ts
 * import { parseTargets } from "../../mod.ts";
 * import { targetSubject } from "./subject.ts";
 * import { readRunFlags, RUN_FLAGS } from "../run_flags.ts";
 * import { parseArgs } from "@std/cli/parse-args";
 * const s = targetSubject(parseTargets(["tcp://127.0.0.1:7"]));
 * s.reproduce(readRunFlags(parseArgs(["--seed", "1"], RUN_FLAGS)), "echo", "tcp.basic.connect");
 * // "deno task conform --target tcp://127.0.0.1:7 --profile echo --only tcp.basic.connect --seed 1"
 * ```
 */
export function targetSubject(targets: Targets, shown: Targets = targets): Subject {
  return {
    kind: "target",
    cases: ALL_CASES,
    declared: () => targets,
    check: () => requireNet("--target", [targets.tcp, targets.udp]),
    reproduce: (flags, profileSpec, id) => reproduceCommand(flags, shown, profileSpec, id),
    open: () =>
      Promise.resolve({
        ok: true,
        targets: () => targets,
        options: (base) => ({
          ...base,
          ...new TargetWatch(targets.tcp, base.timeoutMs ?? WAITS.timeoutMs).hooks(),
        }),
        close: () => Promise.resolve(undefined),
      }),
  };
}
