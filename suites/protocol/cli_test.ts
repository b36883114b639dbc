import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { kvPerConnectionStore } from "../../fixtures/protocol/mutants/kv_per_connection_store.ts";
import { kvServer } from "../../fixtures/protocol/kv.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { conform } from "../../harness/cli/conform.ts";
import { grade } from "../../harness/cli/grade.ts";
import { conformanceTests } from "../../harness/package/testing.ts";
import type { RunReport } from "../../harness/mod.ts";

const KV = new URL("./examples/kv.toml", import.meta.url).pathname;

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };
}

Deno.test("conform --list --profile kv.toml lists the cases the file generates", async () => {
  const io = capture();
  assertEquals(await conform(["--list", "--profile", KV], { io }), 0);
  const ids = io.lines.map((l) => l.split("  ")[0]);
  assert(ids.includes("kv.set-get.as-written"));
  assert(ids.includes("kv.session.pipelined"));
  assert(ids.includes("tcp.basic.connect"), "the built-in cases are listed too");
});

Deno.test("conform runs a protocol file's cases against a server, with reports", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-protocol-" });
  try {
    await using reference = serve({ tcp: kvServer() });
    await using mutant = await kvPerConnectionStore.start();
    for (const [name, served, code] of [["ref", reference, 0], ["mut", mutant, 1]] as const) {
      const io = capture();
      const args = [
        ...["--target", served.targets.tcp!.url, "--profile", KV, "--only", "kv.set-get"],
        ...[
          "--seed",
          "4",
          "--report",
          `json:${dir}/${name}.json`,
          "--report",
          `junit:${dir}/j.xml`,
        ],
      ];
      assertEquals(await conform(args, { io }), code, io.lines.join("\n"));
      const json: RunReport = JSON.parse(await Deno.readTextFile(`${dir}/${name}.json`));
      assertEquals(json.cases.length, 9);
      if (code === 1) {
        const text = io.lines.join("\n");
        assertStringIncludes(text, "kv.toml:29 (expect on b): The reply differs at byte 0");
        assertStringIncludes(text, "--only kv.set-get.as-written --seed 4");
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("conform stops with exit 2 and file:line on a bad protocol file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-protocol-" });
  try {
    const path = `${dir}/bad.toml`;
    await Deno.writeTextFile(
      path,
      'name = "bad"\n[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [\n  { send = "a", text = "x" },\n]\n',
    );
    const io = capture();
    assertEquals(await conform(["--target", "tcp://127.0.0.1:9", "--profile", path], { io }), 2);
    assertEquals(io.errors, [
      `sockspec: ${path}:6: Step "send" on connection "a", which no earlier step opens`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("conformanceTests() registers a protocol file's cases by path", async () => {
  await using served = serve({ tcp: kvServer() });
  const names: string[] = [];
  const tests = conformanceTests({
    profile: KV,
    target: served.targets.tcp!.url,
    register: (name) => void names.push(name),
  });
  assert(tests.some((t) => t.name === "kv.quit.as-written"));
  assert(names.includes("kv.set-get.copies"));
});

Deno.test("grade grades a roster whose profile column names a protocol file", async () => {
  await using reference = serve({ tcp: kvServer() });
  await using mutant = await kvPerConnectionStore.start();
  const dir = await Deno.makeTempDir({ prefix: "sockspec-protocol-" });
  try {
    const roster = `${dir}/roster.csv`;
    await Deno.writeTextFile(
      roster,
      [
        "student,tcp,udp,profile",
        `ada,${reference.targets.tcp!.url},,${KV}`,
        `bob,${mutant.targets.tcp!.url},,${KV}`,
      ].join("\n"),
    );
    const io = capture();
    const code = await grade(
      ["--roster", roster, "--out", `${dir}/out`, "--only", "kv.set-get", "--seed", "1"],
      { io },
    );
    assertEquals(code, 0, io.lines.join("\n") + io.errors.join("\n"));
    const csv = await Deno.readTextFile(`${dir}/out/gradebook.csv`);
    const [head, ada, bob] = csv.trim().split("\n");
    assertStringIncludes(head, "kv.set-get");
    assert(ada !== bob, `the mutant scores lower:\n${csv}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
