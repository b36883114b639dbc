/**
 * The cases a protocol file generates: one per scenario and transformation, with stable ids
 * `<protocol>.<scenario>.<transformation>`.
 *
 * @module
 */
import type { Case, CaseContext } from "../../harness/mod.ts";
import { beside } from "./beside.ts";
import { playCopy, varsFor } from "./play.ts";
import type { ProtocolSpec, Scenario, Step } from "./spec.ts";
import { TRANSFORMATIONS } from "./transform.ts";

/** How many copies the `copies` transformation runs at once, unless `--param copies=N` says. */
export const DEFAULT_COPIES = 4;

/**
 * Learns the replies a reference gives to copies of a scenario: one map per set of placeholder
 * values, from each `expect` step to the message the reference sent.
 */
export type Learn = (
  t: CaseContext,
  scenario: Scenario,
  vars: readonly Map<string, Uint8Array>[],
) => Promise<Map<Step, Uint8Array>[]>;

/**
 * The oracle a running case asks: the run's profile's (`learn` on the profile a subject gave the
 * run, e.g. one whose reference program was launched), else `fallback`. So the same case objects
 * serve a run with or without a reference.
 *
 * @example
 * ```ts ignore
 * const oracle = learnOf(t, undefined); // the run's profile decides
 * ```
 */
export function learnOf(t: CaseContext, fallback?: Learn): Learn | undefined {
  return (t.profile as { learn?: Learn }).learn ?? fallback;
}

/**
 * The cases of a protocol file, in file order: each scenario under each transformation it takes.
 * The oracle (the run's profile's `learn`, else `learn`) fills the replies its `expect` steps leave
 * out.
 *
 * @example
 * ```ts
 * import { parseProtocol } from "./parse.ts";
 * import { protocolCases } from "./cases.ts";
 * const spec = parseProtocol(
 *   'name = "p"\n[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [{ open = "a" }]\n',
 *   "p.toml",
 * );
 * protocolCases(spec).map((c) => c.id); // ["p.s.as-written", "p.s.copies", "p.s.beside-idle", "p.s.after-garbage"]
 * ```
 */
export function protocolCases(spec: ProtocolSpec, learn?: Learn): Case[] {
  return spec.scenarios.flatMap((scenario) =>
    TRANSFORMATIONS.filter((tr) => scenario.transformations.includes(tr.name)).map(
      (tr): Case => {
        const opens = scenario.steps.filter((s) => s.op === "open");
        const tcp = opens.some((s) => s.op === "open" && s.transport === "tcp");
        const udp = opens.some((s) => s.op === "open" && s.transport === "udp");
        return {
          id: `${spec.name}.${scenario.name}.${tr.name}`,
          title: `${scenario.name}, ${tr.title}`,
          requirement: `${scenario.requirement} (${tr.why})`,
          appliesTo: {
            transport: tcp && udp ? "any" : udp ? "udp" : "tcp",
            profiles: [spec.name],
          },
          // A client that never reads loads the server, and a scenario alone (a broadcast) hears
          // every other case's clients: nothing else runs beside them.
          exclusive: tr.name === "beside-unread" || scenario.alone,
          async run(t) {
            const plan = tr.plan(spec, scenario);
            const n = plan.copies ? t.param("copies", DEFAULT_COPIES) : 1;
            const vars = Array.from({ length: n }, (_, k) => varsFor(spec, t.rng, k + 1));
            const oracle = learnOf(t, learn);
            const learned = oracle ? await oracle(t, scenario, vars) : undefined;
            if (plan.beside) {
              await beside(t, spec, scenario, plan.beside, varsFor(spec, t.rng, 0));
            }
            await Promise.all(vars.map((v, k) =>
              playCopy(t, spec, plan, {
                label: (on) => n > 1 ? `${on}${k + 1}` : on,
                vars: v,
                learned: learned?.[k],
              })
            ));
          },
        };
      },
    )
  );
}
