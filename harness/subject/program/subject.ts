/**
 * The program subject: a server sockspec builds, launches on fresh ports, watches and restarts
 * (`--exec`, a roster row's `command`, `exec` of the testing entry). Opening it builds it (once per
 * subject) and starts it; its runner options carry the crash watch; closing it kills everything it
 * started and gives the report's `program` section.
 *
 * @module
 */
import { ALL_CASES } from "../../../suites/mod.ts";
import { makeTarget } from "../../mod.ts";
import { reproduceCommand } from "../run_flags.ts";
import type { OpenSubject, Subject, SubjectFailure } from "../subject.ts";
import { openExec } from "./session.ts";
import { type ExecSpec, execTransports, withExec } from "./spec.ts";

/**
 * The subject that launches `spec`.
 *
 * @param env Extra environment for the program.
 * @example
 * ```ts
 * import { programSubject } from "./subject.ts";
 * import { execSpec } from "./spec.ts";
 * import { PROFILES } from "../profiles.ts";
 * const s = programSubject(execSpec({ command: "./server {port}" }));
 * Object.keys(s.declared(PROFILES.echo)); // ["tcp", "udp"]
 * ```
 */
export function programSubject(spec: ExecSpec, env?: Record<string, string>): Subject {
  let built: Promise<SubjectFailure | undefined> | undefined;
  return {
    kind: "program",
    cases: ALL_CASES,
    launched: true,
    declared: (profile) =>
      Object.fromEntries(
        execTransports(spec.command, profile.transports).map((t) => [
          t,
          makeTarget(t, "127.0.0.1", 1),
        ]),
      ),
    reproduce: (flags, profileSpec, id) =>
      withExec(reproduceCommand(flags, {}, profileSpec, id), spec),
    async open(profile, options = {}): Promise<OpenSubject | SubjectFailure> {
      // The first open builds; later ones (one per test of the testing entry) reuse its result.
      const again = built !== undefined;
      const failed = await built;
      if (failed) return failed;
      const opened = openExec(again ? { ...spec, build: undefined } : spec, profile, {
        note: options.note,
        env,
      });
      built ??= opened.then((o) => o.ok || o.kind !== "build" ? undefined : o, () => undefined);
      const session = await opened;
      if (!session.ok) return session;
      return {
        ok: true,
        targets: () => session.targets(),
        options: (base) => session.runOptions(base),
        close: () => session.close(),
      };
    },
  };
}
