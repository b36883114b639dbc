import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { kvMissingEmpty } from "../../fixtures/protocol/mutants/kv_missing_empty.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { kvServer } from "../../fixtures/protocol/kv.ts";
import { conform } from "../../harness/cli/conform.ts";
import { grade } from "../../harness/cli/grade.ts";
import { conformanceTests } from "../../harness/package/testing.ts";

const KV_REF = new URL("../../fixtures/protocol/kv.ts", import.meta.url).pathname;

/** A kv protocol file whose GET of a missing key leaves the reply to the reference. */
function kvFile(reference: string, reply = "", ok = "OK\\n"): string {
  return `name = "kv"
framing = { delimiter = "\\n" }
reference = ${JSON.stringify(reference)}

[[scenario]]
name = "missing"
requirement = "GET of a key never set answers what the reference answers"
steps = [
  { open = "a" },
  { send = "a", text = "SET x{token} 1\\n" },
  { expect = "a", text = "${ok}" },
  { send = "a", text = "GET {token}\\n" },
  { expect = "a"${reply} },
]
`;
}

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };
}

async function withFile(text: string, fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-oracle-" });
  try {
    await Deno.writeTextFile(`${dir}/kv.toml`, text);
    await fn(`${dir}/kv.toml`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("conform judges a target by the replies its reference program gives", async () => {
  await withFile(kvFile(`deno run --allow-net ${KV_REF} {port}`), async (path) => {
    await using good = serve({ tcp: kvServer() });
    await using bad = await kvMissingEmpty.start();
    const io = capture();
    const args = ["--profile", path, "--only", "kv.missing.as-written", "--seed", "1"];
    assertEquals(await conform(["--target", good.targets.tcp!.url, ...args], { io }), 0);
    const out = capture();
    assertEquals(await conform(["--target", bad.targets.tcp!.url, ...args], { io: out }), 1);
    const text = out.lines.join("\n");
    assertStringIncludes(text, "kv.toml:13 (expect on a): The reply differs at byte 0");
    // Both sides of the exchange: the reference's connection and the target's.
    assertStringIncludes(text, "  reference");
    assertStringIncludes(text, 'a  recv "NOTFOUND\\n"');
    assertStringIncludes(text, 'a  recv "VALUE \\n"');
  });
});

Deno.test("conform stops with exit 2 when the reference disagrees with an expect of the file", async () => {
  const file = kvFile(`deno run --allow-net ${KV_REF} {port}`, "", "YES\\n");
  await withFile(file, async (path) => {
    const io = capture();
    const code = await conform(["--target", "tcp://127.0.0.1:9", "--profile", path], { io });
    assertEquals(code, 2, io.errors.join("\n"));
    assertStringIncludes(
      io.errors[0],
      `${path}:11: The reference "deno run --allow-net ${KV_REF} {port}" disagrees with the file: The reply differs at byte 0: expected 0x59 'Y', got 0x4f 'O'`,
    );
    assertStringIncludes(io.errors.join("\n"), 'a  recv "OK\\n"');
  });
});

Deno.test("conform exits 6 with the reference's stderr when it does not start", async () => {
  await withFile(kvFile(`sh -c 'echo no listener here >&2; exit 3' {port}`), async (path) => {
    const io = capture();
    const code = await conform(["--target", "tcp://127.0.0.1:9", "--profile", path], { io });
    assertEquals(code, 6, io.errors.join("\n"));
    assertStringIncludes(io.errors[0], "did not start");
    assertStringIncludes(io.errors.join("\n"), "stderr: no listener here");
  });
});

Deno.test("conform compares a regex reply with the reference's outside its named parts", async () => {
  const file = kvFile(
    `deno run --allow-net ${KV_REF} {port}`,
    ', regex = "^[A-Z]+(?<rest>.*)\\\\n$"',
  );
  await withFile(file, async (path) => {
    await using good = serve({ tcp: kvServer() });
    await using bad = await kvMissingEmpty.start();
    const args = ["--profile", path, "--only", "kv.missing.as-written", "--seed", "1"];
    assertEquals(await conform(["--target", good.targets.tcp!.url, ...args], { io: capture() }), 0);
    const io = capture();
    assertEquals(await conform(["--target", bad.targets.tcp!.url, ...args], { io }), 1);
    assertStringIncludes(
      io.lines.join("\n"),
      "The reply differs from the reference's outside the parts /^[A-Z]+(?<rest>.*)\\n$/ names",
    );
  });
});

Deno.test("grade judges each student by the replies the file's reference program gives", async () => {
  await withFile(kvFile(`deno run --allow-net ${KV_REF} {port}`), async (path) => {
    await using good = serve({ tcp: kvServer() });
    await using bad = await kvMissingEmpty.start();
    const dir = await Deno.makeTempDir({ prefix: "sockspec-oracle-grade-" });
    try {
      await Deno.writeTextFile(
        `${dir}/roster.csv`,
        `student,tcp,udp,profile\nada,${good.targets.tcp!.url},,${path}\nbob,${
          bad.targets.tcp!.url
        },,${path}\n`,
      );
      const io = capture();
      const args = ["--roster", `${dir}/roster.csv`, "--out", `${dir}/out`, "--seed", "1"];
      const code = await grade([...args, "--only", "kv.missing.as-written"], { io });
      assertEquals(code, 0, [...io.lines, ...io.errors].join("\n"));
      const result = async (who: string) =>
        JSON.parse(await Deno.readTextFile(`${dir}/out/${who}/report.json`)).cases[0];
      assertEquals((await result("ada")).outcome, "pass");
      const bob = await result("bob");
      assertEquals(bob.outcome, "fail");
      assertStringIncludes(bob.message, "kv.toml:13 (expect on a): The reply differs at byte 0");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("grade stops with exit 2 before grading when the reference disagrees with the file", async () => {
  const file = kvFile(`deno run --allow-net ${KV_REF} {port}`, "", "YES\\n");
  await withFile(file, async (path) => {
    const dir = await Deno.makeTempDir({ prefix: "sockspec-oracle-grade-" });
    try {
      await Deno.writeTextFile(
        `${dir}/roster.csv`,
        `student,tcp,udp,profile\nada,tcp://127.0.0.1:9,,${path}\n`,
      );
      const io = capture();
      const code = await grade(["--roster", `${dir}/roster.csv`, "--out", `${dir}/out`], { io });
      assertEquals(code, 2, io.errors.join("\n"));
      assertStringIncludes(io.errors[0], `${path}:11: The reference`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("conformanceTests() asks the file's reference program for the replies it leaves out", async () => {
  await withFile(kvFile(`deno run --allow-net ${KV_REF} {port}`), async (path) => {
    await using good = serve({ tcp: kvServer() });
    await using bad = await kvMissingEmpty.start();
    for (const [served, passes] of [[good, true], [bad, false]] as const) {
      const tests = new Map<string, () => Promise<void>>();
      conformanceTests({
        profile: path,
        target: served.targets.tcp!.url,
        only: ["kv.missing.as-written"],
        seed: 1,
        register: (name, fn) => tests.set(name, fn),
      });
      const run = tests.get("kv.missing.as-written")!;
      if (passes) await run();
      else {
        const e = await assertRejects(run);
        assertStringIncludes(String(e), "The reply differs at byte 0");
      }
    }
  });
});
