import { assertEquals } from "@std/assert";
import { echo } from "./cli/_test_utils.ts";
import { type Case, parseTarget, PartialRun, UNFINISHED, writeFileAtomicSync } from "./mod.ts";

const kase = (id: string): Case => ({
  id,
  title: `Title ${id}`,
  requirement: `Requirement ${id}`,
  appliesTo: { transport: "tcp" },
  run: () => Promise.resolve(),
});

Deno.test("PartialRun.report() lists every case, the unfinished ones as errors", () => {
  const live = new PartialRun([kase("a.b.one"), kase("a.b.two")], {
    targets: { tcp: parseTarget("tcp://127.0.0.1:7") },
    profile: echo.name,
    seed: 5,
    strict: false,
    reproduce: (id) => `rerun ${id}`,
  });
  live.add({
    id: "a.b.two",
    title: "Title a.b.two",
    requirement: "",
    outcome: "pass",
    message: "",
    durationMs: 1,
    transcript: [],
    reproduce: "",
  });
  const r = live.report();
  assertEquals(r.cases.map((c) => [c.id, c.outcome, c.message]), [
    ["a.b.one", "error", UNFINISHED],
    ["a.b.two", "pass", ""],
  ]);
  assertEquals(r.cases[0].reproduce, "rerun a.b.one");
  assertEquals([r.summary.error, r.summary.pass, r.seed, r.targets[0].url], [
    1,
    1,
    5,
    "tcp://127.0.0.1:7",
  ]);
});

Deno.test("writeFileAtomicSync() replaces a file whole and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    writeFileAtomicSync(`${dir}/r.json`, "one");
    writeFileAtomicSync(`${dir}/r.json`, "two");
    assertEquals(Deno.readTextFileSync(`${dir}/r.json`), "two");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["r.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
