import { assertEquals } from "@std/assert";
import { parseArgs } from "@std/cli/parse-args";
import { DEFAULT_RUBRIC } from "../../reports/rubric.ts";
import type { RunReport } from "../mod.ts";
import { readRunFlags, RUN_FLAGS } from "../subject/run_flags.ts";
import { gradeStudent } from "./student.ts";
import { assertDownMidRun, downMidRun, onFreshPort } from "../subject/target/_test_utils.ts";

Deno.test("gradeStudent() watches a row's target: a server that dies mid-grade gives one fail and the rest not run", async () => {
  // The server's port comes from the TargetWatch tests' helper: it checks that the port refuses a
  // plain connect once closed, and the test runs again on another port if not (a clean-clone CI
  // run saw the case's connect after the close succeed).
  await onFreshPort(async ({ target, down }) => {
    const out = await Deno.makeTempDir({ prefix: "sockspec-grade-" });
    try {
      const row = await gradeStudent(
        {
          ok: true,
          line: 2,
          student: "ada",
          dir: "ada",
          targets: { tcp: target },
          profile: "echo",
        },
        {
          // Only the student's server dies: the profile's reference run sees other ports.
          cases: downMidRun(async (p) => {
            if (p === target.port) await down();
          }, true),
          flags: readRunFlags(parseArgs(["--seed", "1", "--timeout", "1000"], RUN_FLAGS)),
          out,
          rubric: DEFAULT_RUBRIC,
          cache: { profiles: new Map(), references: new Map() },
          warn: () => {},
        },
        () => {},
      );
      const report: RunReport = JSON.parse(await Deno.readTextFile(`${out}/ada/report.json`));
      return () => {
        assertDownMidRun(report, target.url);
        assertEquals(row.student, "ada");
      };
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
});
