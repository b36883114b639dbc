import { assert, assertEquals } from "@std/assert";
import { eventually } from "../program/_test_utils.ts";
import type { Case, CaseResult } from "../mod.ts";
import { LIVE_EVERY_MS, LiveReports } from "./output.ts";

const cases: Case[] = ["a.one", "a.two", "a.three"].map((id) => ({
  id,
  title: id,
  requirement: "r",
  appliesTo: { transport: "tcp" },
  run: () => Promise.resolve(),
}));

const passed = (id: string): CaseResult => ({
  id,
  title: id,
  requirement: "r",
  outcome: "pass",
  message: "",
  durationMs: 1,
  transcript: [],
  reproduce: "",
});

Deno.test("LiveReports rewrites at most once per LIVE_EVERY_MS, shows every case within it, and stops", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-live-" });
  const path = `${dir}/results.json`;
  // Read without awaiting, so no timer of LiveReports can fire between two steps of the test.
  const statuses = () =>
    (JSON.parse(Deno.readTextFileSync(path)).tests as { status: string }[]).map((t) => t.status);
  try {
    using live = new LiveReports(cases, { targets: {}, profile: "echo", seed: 1, strict: false }, {
      reports: [{ format: "gradescope", path }],
      warn: (line) => {
        throw new Error(line);
      },
    });
    const written = performance.now();
    live.write();
    assertEquals(statuses(), ["failed", "failed", "failed"], "unfinished cases count as failed");
    live.add(passed("a.one"));
    live.add(passed("a.two"));
    // Both ended within the interval of the first write: not rewritten yet. (A machine that
    // stalled this test past the interval has nothing to show here, rather than a false failure.)
    if (performance.now() - written < LIVE_EVERY_MS) {
      assertEquals(statuses(), ["failed", "failed", "failed"]);
    }
    // Rewritten once the interval is over, with no further call: wait for it, not for a time.
    assert(
      await eventually(() => statuses()[1] === "passed"),
      "in the file after the interval",
    );
    assertEquals(statuses(), ["passed", "passed", "failed"]);
    live.stop();
    live.add(passed("a.three"));
    // Waiting for something not to happen: a longer wait on a loaded machine only waits longer.
    await new Promise((r) => setTimeout(r, LIVE_EVERY_MS + 300));
    assertEquals(statuses(), ["passed", "passed", "failed"], "nothing rewritten after stop()");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
