/**
 * The reference program of a protocol file, launched with the `--exec` launcher: before a run,
 * every scenario is played as written against it, and a reply the reference gives that an
 * `expect` of the file does not allow stops the run as the file's error (exit 2, with both sides
 * of the exchange); a reference that does not start gets exit 6 and its stderr. During the run,
 * each case learns the replies its file leaves out from a fresh reference.
 *
 * @module
 */
import { caseDetail } from "../../../reports/mod.ts";
import { sideBySide } from "../../../reports/side_by_side.ts";
import {
  LEARN_NOTHING,
  learnFrom,
  type ProtocolProfile,
  protocolProfile,
  type StartReference,
} from "../../../suites/protocol/mod.ts";
import { dirname } from "node:path";
import { type Profile, runCases, type TranscriptEvent } from "../../mod.ts";
import { canReadProc } from "../../program/mod.ts";
import { EXIT } from "../args.ts";
import { openExec } from "./session.ts";
import { execSpec } from "./spec.ts";

/** Why the reference could not be used: its exit code and the lines to print. */
export class ReferenceProblem extends Error {
  /**
   * @param code The exit code (2: the file and its reference disagree; 6: it did not start).
   * @param lines What to print, the first line naming the problem.
   */
  constructor(readonly code: number, readonly lines: string[]) {
    super(lines[0]);
    this.name = "ReferenceProblem";
  }
}

/**
 * Prints a {@linkcode ReferenceProblem} the way every command does (its first line prefixed
 * `sockspec: `) and returns its exit code; undefined for any other error.
 *
 * @example
 * ```ts
 * import { ReferenceProblem, referenceProblemExit } from "./protocol_reference.ts";
 * referenceProblemExit(new ReferenceProblem(6, ["It did not start"]), console.error); // 6
 * ```
 */
export function referenceProblemExit(
  e: unknown,
  err: (line: string) => void,
): number | undefined {
  if (!(e instanceof ReferenceProblem)) return undefined;
  for (const [i, line] of e.lines.entries()) err(i === 0 ? `sockspec: ${line}` : line);
  return e.code;
}

/**
 * Starts `command` like `--exec` does (fresh ports, ready when it serves them), in `cwd` (the
 * protocol file's folder).
 *
 * @throws {ReferenceProblem} (exit 6) with its stderr when it does not start.
 * @example
 * ```ts ignore
 * const ref = await startReference(profile)("deno run -A fixtures/protocol/kv.ts {port}");
 * await ref.close();
 * ```
 */
export function startReference(profile: Profile, cwd?: string): StartReference {
  return async (command) => {
    const opened = await openExec(execSpec({ command, cwd }), profile);
    if (!opened.ok) {
      throw new ReferenceProblem(EXIT.start, [
        `The reference ${JSON.stringify(command)} did not start: ${opened.message}`,
        ...opened.details.map((l) => `  stderr: ${l}`),
      ]);
    }
    return {
      targets: opened.targets(),
      close: async () => void await opened.close(),
    };
  };
}

/**
 * The profile with its reference put to use: checked against the file, and the oracle of every
 * case. Other profiles come back as they are.
 *
 * @throws {ReferenceProblem} when the reference does not start (6) or disagrees with the file (2).
 * @example
 * ```ts ignore
 * const ready = await withReference(await loadProfile("./kv.toml"), console.error);
 * ```
 */
export async function withReference(
  profile: Profile,
  note: (line: string) => void = () => {},
): Promise<Profile> {
  const spec = (profile as Partial<ProtocolProfile>).protocol;
  if (!spec || !(spec.reference || spec.scenarios.some((s) => s.reference))) return profile;
  const learns = spec.scenarios.some((s) =>
    s.steps.some((x) => x.op === "expect" && x.want.kind === "learned")
  );
  if (!learns && !canReadProc()) {
    note(
      `not checking ${spec.path} against its reference: launching it needs --allow-all (deno task conform:exec)`,
    );
    return profile;
  }
  const start = startReference(profile, dirname(spec.path));
  const checkOnly = protocolProfile(spec, LEARN_NOTHING);
  // Each scenario as written, against one fresh reference: what the file spells out must hold.
  for (const scenario of spec.scenarios) {
    const command = scenario.reference ?? spec.reference!;
    const c = checkOnly.cases.find((c) => c.id === `${spec.name}.${scenario.name}.as-written`);
    if (!c) continue;
    const ref = await start(command);
    try {
      const report = await runCases([c], { targets: ref.targets, profile: checkOnly, seed: 1 });
      const r = report.cases[0];
      if (r.outcome === "fail" || r.outcome === "error") {
        const at = /^Step (\S+:\d+) /.exec(r.message)?.[1] ?? `${spec.path}:${scenario.line}`;
        throw new ReferenceProblem(EXIT.usage, [
          `${at}: The reference ${JSON.stringify(command)} disagrees with the file: ${
            r.message.replace(/^Step \S+ \([^)]*\): /, "")
          }`,
          // The file's side is the expected bytes above; the reference's side is its exchange.
          ...[...caseDetail(r), ...sideBySide({ transcript: r.transcript.map(asReference) })]
            .map((l) => `  ${l}`),
        ]);
      }
    } finally {
      await ref.close();
    }
  }
  return protocolProfile(spec, learnFrom(spec, start));
}

const READY = new WeakMap<Profile, Promise<Profile>>();

/**
 * {@linkcode withReference}, once per profile object: the one place every run of a subject
 * (`conform`, each student of `grade`, each test of `conformanceTests`) gets its profile's
 * oracle, so a batch checks the reference against the file once. A problem is kept too: every
 * later call throws the same {@linkcode ReferenceProblem}.
 *
 * @example
 * ```ts ignore
 * const profile = await referenceReady(await loadProfile("./kv.toml"), console.error);
 * ```
 */
export function referenceReady(
  profile: Profile,
  note: (line: string) => void = () => {},
): Promise<Profile> {
  let ready = READY.get(profile);
  if (!ready) {
    ready = withReference(profile, note);
    READY.set(profile, ready);
  }
  return ready;
}

/** An event of the run against the reference, labelled as the reference's. */
function asReference(e: TranscriptEvent): TranscriptEvent {
  return { ...e, conn: `ref ${e.conn}` };
}
