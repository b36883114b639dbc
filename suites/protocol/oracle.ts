/**
 * The reference program as oracle: each case first plays its scenario, with the same placeholder
 * values, against a fresh reference, and learns the replies the file leaves out (`{ expect = "a"
 * }`). The reference's bytes are then what the target must send.
 *
 * @module
 */
import { type CaseContext, CaseFailure, type Targets } from "../../harness/mod.ts";
import type { Learn } from "./cases.ts";
import { playCopy, UNLEARNED } from "./play.ts";
import type { ProtocolSpec, Step } from "./spec.ts";

/** A running reference program, and how to stop it. */
export interface RunningReference {
  targets: Targets;
  close(): Promise<void>;
}

/** Starts the reference command (`CMD {port}`) on fresh ports; throws when it does not start. */
export type StartReference = (command: string) => Promise<RunningReference>;

/**
 * A {@linkcode Learn} that asks the reference program `start` launches. The reference's half of
 * the exchange is in the case's transcript, its connections labelled `ref a`, `ref b`, …
 *
 * @example
 * ```ts ignore
 * const profile = protocolProfile(spec, learnFrom(spec, start));
 * ```
 */
export function learnFrom(spec: ProtocolSpec, start: StartReference): Learn {
  return async (t: CaseContext, scenario, vars) => {
    const command = scenario.reference ?? spec.reference;
    // Learned replies, and regex replies whose unnamed parts must match the reference's.
    const learns = scenario.steps.some((s) =>
      s.op === "expect" && (s.want.kind === "learned" || s.want.kind === "regex")
    );
    if (!command || !learns) return vars.map(() => new Map());
    let ref: RunningReference;
    try {
      ref = await start(command);
    } catch (e) {
      return t.error(`The reference ${JSON.stringify(command)} did not start: ${String(e)}`);
    }
    try {
      const learned: Map<Step, Uint8Array>[] = [];
      for (const [k, v] of vars.entries()) {
        const record = new Map<Step, Uint8Array>();
        await playCopy(t, spec, { steps: scenario.steps }, {
          to: ref.targets,
          label: (on) => `ref ${on}${vars.length > 1 ? k + 1 : ""}`,
          vars: new Map(v),
          record,
        });
        learned.push(record);
      }
      return learned;
    } catch (e) {
      if (e instanceof CaseFailure) {
        // Not the target's fault: the file and its reference disagree.
        t.error(`The reference disagrees with ${spec.path}: ${e.message}`);
      }
      throw e;
    } finally {
      await ref.close();
    }
  };
}

/**
 * A {@linkcode Learn} that learns nothing: the cases it makes check only what the file spells
 * out, and accept any one message where a step leaves the reply out (the reference's own check).
 *
 * @example
 * ```ts ignore
 * const checkOnly = protocolProfile(spec, LEARN_NOTHING);
 * ```
 */
export const LEARN_NOTHING: Learn = (_t, _scenario, vars) =>
  Promise.resolve(vars.map(() => UNLEARNED as Map<Step, Uint8Array>));
