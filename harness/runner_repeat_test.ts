import { assertEquals, assertStringIncludes } from "@std/assert";
import { echo } from "./cli/_test_utils.ts";
import { type Case, runCases, runRepeated } from "./mod.ts";

/** A case that needs no socket and ends with the outcomes given, one per run, in turn. */
function scripted(outcomes: ("pass" | "fail" | "warn")[]): Case {
  let run = 0;
  return {
    id: "test.repeat.scripted",
    title: "Scripted",
    requirement: "Ends as scripted",
    appliesTo: { transport: "any" },
    run(t) {
      const o = outcomes[run++ % outcomes.length];
      if (o === "fail") t.fail(`failed on run ${run}`, { expected: "a", actual: "b" });
      if (o === "warn") t.warn("slow");
      return Promise.resolve();
    },
  };
}

const options = { targets: {}, profile: echo, seed: 1 };

Deno.test("runRepeated() makes a case whose outcomes differ flaky, with its worst run's evidence", async () => {
  const r = await runRepeated(scripted(["pass", "warn", "fail", "pass"]), {
    ...options,
    repeat: 4,
  });
  assertEquals(r.outcome, "flaky");
  assertEquals(r.repeats, ["pass", "warn", "fail", "pass"]);
  assertStringIncludes(
    r.message,
    "Outcomes differed across 4 runs (pass, warn, fail, pass); run 3:",
  );
  assertStringIncludes(r.message, "failed on run 3");
  assertEquals([r.expected, r.actual], ["a", "b"]);
});

Deno.test("runRepeated() keeps a steady outcome and lists the repeats", async () => {
  const r = await runRepeated(scripted(["fail"]), { ...options, repeat: 3 });
  assertEquals([r.outcome, r.repeats], ["fail", ["fail", "fail", "fail"]]);
  const once = await runRepeated(scripted(["pass"]), options);
  assertEquals([once.outcome, once.repeats], ["pass", undefined]);
});

Deno.test("runCases() with repeat counts flaky cases and never repeats a skip", async () => {
  const tcpOnly: Case = {
    ...scripted(["pass"]),
    id: "test.repeat.tcp",
    appliesTo: { transport: "tcp" },
  };
  const report = await runCases([scripted(["pass", "fail"]), tcpOnly], {
    targets: { udp: { transport: "udp", host: "127.0.0.1", port: 9, url: "udp://127.0.0.1:9" } },
    profile: echo,
    seed: 1,
    repeat: 2,
  });
  assertEquals(report.cases.map((c) => [c.outcome, c.repeats]), [["flaky", ["pass", "fail"]], [
    "skip",
    undefined,
  ]]);
  assertEquals([report.summary.flaky, report.summary.skip], [1, 1]);
});
