import { assertEquals } from "@std/assert";
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
  const statuses = async () =>
    (JSON.parse(await Deno.readTextFile(path)).tests as { status: string }[]).map((t) => t.status);
  try {
    using live = new LiveReports(cases, { targets: {}, profile: "echo", seed: 1, strict: false }, {
      reports: [{ format: "gradescope", path }],
      warn: (line) => {
        throw new Error(line);
      },
    });
    live.write();
    assertEquals(
      await statuses(),
      ["failed", "failed", "failed"],
      "unfinished cases count as failed",
    );
    live.add(passed("a.one"));
    live.add(passed("a.two"));
    // Both ended within the interval of the first write: not rewritten yet.
    assertEquals(await statuses(), ["failed", "failed", "failed"]);
    await new Promise((r) => setTimeout(r, LIVE_EVERY_MS + 300));
    assertEquals(
      await statuses(),
      ["passed", "passed", "failed"],
      "in the file within the interval",
    );
    live.stop();
    live.add(passed("a.three"));
    await new Promise((r) => setTimeout(r, LIVE_EVERY_MS + 300));
    assertEquals(
      await statuses(),
      ["passed", "passed", "failed"],
      "nothing rewritten after stop()",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
