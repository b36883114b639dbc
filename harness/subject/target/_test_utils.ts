/**
 * What the tests of a target that goes down mid-run share: four cases that each connect once,
 * the second one after the server went down, and the verdicts that must follow.
 *
 * @example
 * ```ts
 * import { downMidRun } from "./_test_utils.ts";
 * const cases = downMidRun(async () => {}); // demo.first, demo.crash, demo.after, demo.later
 * console.log(cases.map((c) => c.id));
 * ```
 *
 * @module
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import type { Case, RunReport } from "../../mod.ts";

/**
 * The four cases: `demo.crash` calls `down(port)` (the case's TCP port) before it connects.
 * `alone` makes each run by itself, as hazard and load cases do.
 */
export function downMidRun(down: (port: number) => Promise<void>, alone = false): Case[] {
  return [
    connects("demo.first", undefined, alone),
    connects("demo.crash", down, alone),
    connects("demo.after", undefined, alone),
    connects("demo.later", undefined, alone),
  ];
}

/** A case that connects once and checks nothing else; `before(port)` runs first. */
export function connects(
  id: string,
  before?: (port: number) => Promise<void>,
  alone = false,
): Case {
  return {
    id,
    title: id,
    requirement: "The server accepts",
    appliesTo: { transport: "tcp" },
    exclusive: alone,
    async run(t) {
      await before?.(t.targets.tcp!.port);
      await (await t.connect()).close();
    },
  };
}

/** The verdicts of {@linkcode downMidRun}'s cases: one fail where it went down, the rest not run. */
export function assertDownMidRun(report: RunReport, url: string): void {
  assertEquals(report.cases.map((c) => c.outcome), ["pass", "fail", "error", "error"]);
  assertStringIncludes(report.cases[1].message, "The target stopped accepting connections");
  assertEquals(
    report.cases[2].message,
    `Not run: the target has been down since demo.crash (connect to ${url} refused)`,
  );
}
