import { assertEquals } from "@std/assert";
import { parseArgs } from "@std/cli/parse-args";
import { listenOnFreePort } from "../program/free_port.ts";
import { DEFAULT_RUBRIC } from "../../reports/rubric.ts";
import { makeTarget, type RunReport } from "../mod.ts";
import { readRunFlags, RUN_FLAGS } from "../subject/run_flags.ts";
import { gradeStudent } from "./student.ts";
import { assertDownMidRun, downMidRun } from "../subject/target/_test_utils.ts";

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
        // Only the student's server dies: the profile's reference run sees other ports.
        // Closed before the case connects, and gone from the kernel (its accept loop ended).
        cases: downMidRun(async (p) => {
          if (p !== port) return;
          listener.close();
          await accepting;
        }, true),
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
    assertDownMidRun(report, target.url);
    assertEquals(row.student, "ada");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
