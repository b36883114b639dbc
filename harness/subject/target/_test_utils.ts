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
import { type Case, makeTarget, type RunReport } from "../../mod.ts";
import { listenOnFreePort } from "../../program/free_port.ts";

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

/**
 * A loopback server to take down: `down()` closes it and tells whether its port then refuses a
 * connect, as a dead server's does. Ports below the ephemeral range are also handed to the
 * programs other tests launch, so a closed port may be taken at once: with two suites at once a
 * connect after the close was answered 3 times in 8 runs. Such a run proves nothing and is made
 * again on another port (`onFreshPort`).
 */
export function server() {
  const listener = listenOnFreePort();
  const accepting = (async () => {
    try {
      for await (const conn of listener) conn.close();
    } catch {
      // closed
    }
  })();
  const target = makeTarget("tcp", "127.0.0.1", listener.addr.port);
  let refused: boolean | undefined;
  const down = async () => {
    listener.close();
    await accepting;
    try {
      (await Deno.connect({ hostname: target.host, port: target.port })).close();
      refused = false;
    } catch {
      refused = true;
    }
  };
  return { target, down, stillServed: () => refused === false };
}

/** Runs `scenario` on fresh servers until one went down as asked (at most three times). */
export async function onFreshPort(scenario: (s: ReturnType<typeof server>) => Promise<() => void>) {
  for (let attempt = 1;; attempt++) {
    const s = server();
    const check = await scenario(s);
    if (!s.stillServed() || attempt === 3) return check();
  }
}
