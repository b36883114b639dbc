/**
 * The order a run's cases go in, so that a server that dies is blamed on one case and the same
 * seed gives the same verdicts on every run. In address mode nobody can start a dead target
 * again: whatever can take a server down runs alone, in listing order, and the first such case
 * that kills it is the one that fails for it; the cases after it are not run.
 *
 * The steps, in order: the `measure` cases (alone, on the program as it started), the `first`
 * cases (alone: the plainest exchanges, where a server that dies at its first connection dies),
 * the shared cases (side by side), the `hazard` cases (alone), and the load (`exclusive`) cases
 * (alone; those marked `exclusive: "last"` last, after the crowds). Once a run's target has
 * been asked and answered nothing right, the runner runs every case still to come after the
 * `measure` step side by side, many at a time: nothing is left to take down, and each would only
 * wait out its own time-out.
 *
 * @module
 */
import type { Case } from "./case.ts";

/** One step of a run: cases run side by side (`together`), or one after another, each alone. */
export interface Step<T> {
  /** What the step is, for messages and tests. */
  name: "measure" | "first" | "shared" | "hazard" | "load";
  /** Whether its cases run side by side (pooled by transport) or one at a time. */
  together: boolean;
  items: T[];
}

/** Which step a case belongs to. */
export function stepOf(c: Case): Step<unknown>["name"] {
  if (c.alone) return c.alone;
  return c.exclusive ? "load" : "shared";
}

/** The steps, in the order a run takes them. */
export const STEP_ORDER: readonly Step<unknown>["name"][] = [
  "measure",
  "first",
  "shared",
  "hazard",
  "load",
];

/**
 * Splits `items` (cases, or anything carrying one as `c`) into the run's steps, keeping listing
 * order within each step; empty steps are left out.
 *
 * @example
 * ```ts
 * import { schedule } from "./schedule.ts";
 * import type { Case } from "./case.ts";
 * const cases = [
 *   { id: "tcp.framing.large", alone: "hazard" },
 *   { id: "tcp.framing.coalesced" },
 *   { id: "tcp.basic.connect", alone: "first" },
 * ] as Case[];
 * const steps = schedule(cases.map((c) => ({ c })));
 * console.log(steps.map((s) => `${s.name}: ${s.items.map(({ c }) => c.id).join(", ")}`));
 * // ["first: tcp.basic.connect", "shared: tcp.framing.coalesced", "hazard: tcp.framing.large"]
 * ```
 */
export function schedule<T extends { c: Case }>(items: readonly T[]): Step<T>[] {
  return STEP_ORDER.map((name) => {
    const step = items.filter(({ c }) => stepOf(c) === name);
    // The load cases that must come after the crowds go last; filter() keeps listing order.
    const items_ = name === "load"
      ? [
        ...step.filter(({ c }) => c.exclusive !== "last"),
        ...step.filter(({ c }) => c.exclusive === "last"),
      ]
      : step;
    return { name, together: name === "shared", items: items_ };
  }).filter((s) => s.items.length > 0);
}
