import { assertEquals, assertStringIncludes } from "@std/assert";
import { parseArgs } from "@std/cli/parse-args";
import { listenOnFreePort } from "../program/free_port.ts";
import { DEFAULT_RUBRIC } from "../../reports/rubric.ts";
import { type Case, makeTarget, type RunReport } from "../mod.ts";
import { readRunFlags, RUN_FLAGS } from "../subject/run_flags.ts";
import { gradeStudent } from "./student.ts";

/** A case that runs alone and connects once; `before` runs first, given the case's TCP port. */
function connects(id: string, before?: (port: number) => void | Promise<void>): Case {
  return {
    id,
    title: id,
    requirement: "The server accepts",
    appliesTo: { transport: "tcp" },
    exclusive: true,
    async run(t) {
      await before?.(t.targets.tcp!.port);
      const c = await t.connect();
      await c.close();
    },
  };
}

Deno.test("gradeStudent() watches a row's target: a server that dies mid-grade gives one fail and the rest not run", async () => {
  // A port no bind(port 0) hands out: once closed, no other test's server can be given it.
  const listener = listenOnFreePort();
  const port = listener.addr.port;
  const accepting = (async () => {
    try {
      for await (const conn of listener) conn.close();
    } catch {
      // closed
    }
  })();
  const target = makeTarget("tcp", "127.0.0.1", port);
  const out = await Deno.makeTempDir({ prefix: "sockspec-grade-" });
  try {
    const row = await gradeStudent(
      { ok: true, line: 2, student: "ada", dir: "ada", targets: { tcp: target }, profile: "echo" },
      {
        cases: [
          connects("demo.first"),
          // Only the student's server dies: the profile's reference run sees other ports.
          // Closed before the case connects, and gone from the kernel (its accept loop ended).
          connects("demo.crash", async (p) => {
            if (p !== port) return;
            listener.close();
            await accepting;
          }),
          connects("demo.after"),
          connects("demo.later"),
        ],
        flags: readRunFlags(parseArgs(["--seed", "1", "--timeout", "1000"], RUN_FLAGS)),
        out,
        rubric: DEFAULT_RUBRIC,
        cache: { profiles: new Map(), references: new Map() },
        warn: () => {},
      },
      () => {},
    );
    await accepting;
    const report: RunReport = JSON.parse(await Deno.readTextFile(`${out}/ada/report.json`));
    assertEquals(report.cases.map((c) => c.outcome), ["pass", "fail", "error", "error"]);
    assertStringIncludes(
      report.cases[1].message,
      "The target stopped accepting connections",
    );
    assertEquals(
      report.cases[2].message,
      `Not run: the target has been down since demo.crash (connect to ${target.url} refused)`,
    );
    assertEquals(row.student, "ada");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
