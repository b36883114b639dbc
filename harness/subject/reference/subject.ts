/**
 * The reference subject: the profile's own reference servers, served on ephemeral loopback ports
 * while the subject is open. The testing entry tests it when no target is given, and `grade` runs
 * it once per profile to learn which cases count.
 *
 * @module
 */
import { serve } from "../../../fixtures/references/serve.ts";
import { ALL_CASES } from "../../../suites/mod.ts";
import { makeTarget, type Targets } from "../../mod.ts";
import { reproduceCommand } from "../run_flags.ts";
import type { Subject } from "../subject.ts";

/**
 * The subject that serves the profile's reference.
 *
 * @example
 * ```ts
 * import { referenceSubject } from "./subject.ts";
 * import { PROFILES } from "../profiles.ts";
 * Object.keys(referenceSubject().declared(PROFILES.lp16)); // ["tcp", "udp"]
 * ```
 */
export function referenceSubject(): Subject {
  let served: Targets = {};
  return {
    kind: "reference",
    cases: ALL_CASES,
    declared: (profile) => ({
      tcp: profile.reference?.tcp ? makeTarget("tcp", "127.0.0.1", 1) : undefined,
      udp: profile.reference?.udp ? makeTarget("udp", "127.0.0.1", 1) : undefined,
    }),
    reproduce: (flags, profileSpec, id) => reproduceCommand(flags, served, profileSpec, id),
    open(profile) {
      const server = serve(profile.reference ?? {});
      served = server.targets;
      let closing: Promise<void> | undefined;
      return Promise.resolve({
        ok: true,
        targets: () => server.targets,
        options: (base) => base,
        close: async () => {
          await (closing ??= server.close());
          return undefined;
        },
      });
    },
  };
}
