import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { parse as parseYaml } from "@std/yaml";
import { wrongBytes } from "../../fixtures/mutants/wrong_bytes.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { ProgressLine } from "../../reports/progress.ts";
import { echo } from "./_test_utils.ts";
import type { Io } from "../subject/args.ts";
import { conform, parseConformArgs } from "./conform.ts";
import type { RunReport } from "../mod.ts";
import { eventually } from "../program/_test_utils.ts";

/** Captures what conform() prints. */
function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

const FORMATS = ["json", "junit", "tap", "md", "html", "gradescope"] as const;
const QUICK = ["--only", "tcp.basic", "--only", "udp.basic", "--seed", "3", "--timeout", "500"];

function targetArgs(s: { targets: { tcp?: { url: string }; udp?: { url: string } } }): string[] {
  return [s.targets.tcp, s.targets.udp].flatMap((t) => (t ? ["--target", t.url] : []));
}

async function xmllintValid(path: string): Promise<boolean | null> {
  const schema = new URL("../../../shared/schemas/junit.xsd", import.meta.url).pathname;
  try {
    await Deno.stat(schema);
  } catch {
    return null; // no ../shared beside this checkout
  }
  try {
    const out = await new Deno.Command("xmllint", {
      args: ["--noout", "--schema", schema, path],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.code === 0;
  } catch {
    return null;
  }
}

Deno.test("conform writes every report format from one run, for the reference and a mutant", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-cli-" });
  try {
    await using reference = serve(echo.reference!);
    await using mutant = await wrongBytes.start();
    for (const [name, served, code] of [["ref", reference, 0], ["mut", mutant, 1]] as const) {
      const reports = FORMATS.flatMap((f) => ["--report", `${f}:${dir}/${name}.${f}`]);
      const io = capture();
      assertEquals(await conform([...targetArgs(served), ...QUICK, ...reports], { io }), code);
      const json: RunReport = JSON.parse(await Deno.readTextFile(`${dir}/${name}.json`));
      assertEquals(json.summary.fail > 0, code === 1);
      const valid = await xmllintValid(`${dir}/${name}.junit`);
      if (valid === null) {
        console.warn("cli_test: xmllint or ../shared schema missing, JUnit not validated here");
      } else assertEquals(valid, true, "JUnit validates");
      const tap = await Deno.readTextFile(`${dir}/${name}.tap`);
      assertEquals(tap.split("\n").slice(0, 3)[2], `1..${json.cases.length}`);
      assertStringIncludes(
        await Deno.readTextFile(`${dir}/${name}.md`),
        "| Case | Outcome | Title |",
      );
      assertStringIncludes(await Deno.readTextFile(`${dir}/${name}.html`), "<!doctype html>");
      const gs = JSON.parse(await Deno.readTextFile(`${dir}/${name}.gradescope`));
      assertEquals(gs.tests.length > 0, true);
      assertEquals(gs.score === gs.extra_data.max_score, code === 0);
      assertEquals(gs.extra_data.seed, 3);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("conform --repeat reports a case whose outcomes differ as flaky, and exits 1", async () => {
  let connections = 0;
  await using flaky = serve({
    tcp: async (conn) => {
      // Every other connection that sends a byte gets wrong bytes; probes that send none (the
      // runner's first look, a watch) do not count.
      let wrong: boolean | undefined;
      const buf = new Uint8Array(4096);
      for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
        wrong ??= connections++ % 2 === 1;
        await conn.write(wrong ? buf.subarray(0, n).map((b) => b ^ 1) : buf.subarray(0, n));
      }
    },
  });
  const io = capture();
  const args = [...targetArgs(flaky), "--only", "tcp.basic.single-request", "--repeat", "4"];
  assertEquals(await conform([...args, "--report", "json:-"], { io }), 1);
  const report: RunReport = JSON.parse(io.lines.join("\n"));
  const c = report.cases[0];
  assertEquals(c.outcome, "flaky");
  assertEquals(c.repeats, ["pass", "fail", "pass", "fail"]);
  assertStringIncludes(
    c.message,
    "Outcomes differed across 4 runs (pass, fail, pass, fail); run 2:",
  );
  assertEquals(c.actual !== undefined, true, "the failing run's evidence");
  assertStringIncludes(c.reproduce, "--repeat 4");
  assertEquals(report.summary.flaky, 1);
  assertStringIncludes(io.errors.join("\n"), "FLAKY  tcp.basic.single-request");
});

Deno.test("conform --repeat keeps a steady case's outcome and lists its repeats", async () => {
  await using reference = serve(echo.reference!);
  const io = capture();
  const args = [...targetArgs(reference), "--only", "tcp.basic.single-request", "--repeat", "3"];
  assertEquals(await conform([...args, "--report", "json:-"], { io }), 0);
  const c = (JSON.parse(io.lines.join("\n")) as RunReport).cases[0];
  assertEquals([c.outcome, c.repeats], ["pass", ["pass", "pass", "pass"]]);
});

Deno.test("conform sends the console report to stderr when a report goes to stdout", async () => {
  await using reference = serve(echo.reference!);
  const io = capture();
  assertEquals(await conform([...targetArgs(reference), ...QUICK, "--report", "tap:-"], { io }), 0);
  const tap = io.lines.join("\n");
  assertEquals(tap.split("\n")[0], "TAP version 14");
  assert(!tap.includes("PASS "), "no console line in the report");
  assertStringIncludes(io.errors.join("\n"), "PASS   tcp.basic.single-request");
  const two = capture();
  assertEquals(
    await conform([...targetArgs(reference), "--report", "json:-", "--report", "tap:-"], {
      io: two,
    }),
    2,
  );
  assertEquals(two.errors, ["sockspec: Only one report can go to stdout, got json:- and tap:-"]);
});

Deno.test("conform on GitHub Actions annotates failures and appends the step summary", async () => {
  await using mutant = await wrongBytes.start();
  const summary = await Deno.makeTempFile({ suffix: ".md" });
  try {
    await Deno.writeTextFile(summary, "earlier step\n");
    const env: Record<string, string> = { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary };
    const io = capture();
    assertEquals(await conform([...targetArgs(mutant), ...QUICK], { io, env: (n) => env[n] }), 1);
    const annotations = io.lines.filter((l) => l.startsWith("::error "));
    assert(annotations.length >= 2);
    assertMatch(annotations[0], /^::error title=tcp\.basic\.[a-z-]+::fail: .*%0Aexpected: /);
    const text = await Deno.readTextFile(summary);
    assert(text.startsWith("earlier step\n## sockspec"), "appended, not replaced");
    assertStringIncludes(text, "### Failures");
  } finally {
    await Deno.remove(summary);
  }
});

Deno.test("conform draws a progress line and prints only the cases worth a look above it", async () => {
  await using mutant = await wrongBytes.start();
  let screen = "";
  const progress = new ProgressLine((s) => screen += s, () => 120);
  const io = capture();
  await conform([...targetArgs(mutant), ...QUICK, "--concurrency", "1"], { io, progress });
  assertMatch(screen, /\[\d\/4\] tcp\.basic · \d+\.\d s/);
  assertStringIncludes(screen, "[4/4]");
  assertStringIncludes(screen, "failing");
  assertStringIncludes(screen, "\r\x1b[2KFAIL   tcp.basic.single-request");
  assert(!screen.includes("PASS "), "passes only count in the progress line");
  assert(!io.lines.some((l) => /^(PASS|FAIL) {3}/.test(l)), "no plain case lines as well");
  assertStringIncludes(io.lines.join("\n"), "FAIL tcp.basic.single-request");
});

Deno.test("conform --rubric sets the points of the gradescope report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-cli-" });
  try {
    await using reference = serve(echo.reference!);
    await Deno.writeTextFile(
      `${dir}/r.toml`,
      `count = ["tcp"]\n[groups."tcp.basic"]\ntotal = 10\nvisibility = "after_due_date"\n`,
    );
    const io = capture();
    const args = [...targetArgs(reference), ...QUICK, "--rubric", `${dir}/r.toml`];
    assertEquals(await conform([...args, "--report", `gradescope:${dir}/results.json`], { io }), 0);
    const gs = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
    assertEquals(gs.score, 10);
    assert(gs.tests.every((t: { visibility: string }) => t.visibility === "after_due_date"));
    await Deno.writeTextFile(`${dir}/bad.toml`, `[groups."tcp.basics"]\npoints = 1\n`);
    const bad = capture();
    assertEquals(
      await conform([...targetArgs(reference), "--rubric", `${dir}/bad.toml`], { io: bad }),
      2,
    );
    assertEquals(bad.errors.length, 1);
    assertStringIncludes(bad.errors[0], '"tcp.basics" matches no case id');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseConformArgs() reads --repeat and --rubric", () => {
  const a = parseConformArgs([
    "--target",
    "tcp://127.0.0.1:7",
    "--repeat",
    "5",
    "--rubric",
    "r.json",
  ]);
  assertEquals([a.repeat, a.rubric], [5, "r.json"]);
  assertEquals(parseConformArgs(["--target", "tcp://127.0.0.1:7"]).repeat, 1);
});

Deno.test("conform leaves results.json behind when the run is killed part-way", async () => {
  // A server that accepts and never answers: the request cases wait out their time-outs.
  await using slow = serve({
    tcp: async (conn) => {
      const buf = new Uint8Array(4096);
      while (await conn.read(buf) !== null) { /* never answers */ }
    },
  });
  const dir = await Deno.makeTempDir({ prefix: "sockspec-cli-" });
  const results = `${dir}/results.json`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        "harness/cli/conform.ts",
        ...targetArgs(slow),
        "--only",
        "tcp.basic",
        "--concurrency",
        "1",
        "--timeout",
        "20000",
        "--report",
        `gradescope:${results}`,
      ],
      cwd: new URL("../../", import.meta.url),
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    // tcp.basic.connect passes after a short wait; the next case then waits 20 s for a reply.
    // Waits for the file, however long a loaded machine takes to start the run: it returns then.
    const seen = await eventually(() => {
      try {
        const r = JSON.parse(Deno.readTextFileSync(results));
        return r.tests.some((t: { status: string }) => t.status === "passed");
      } catch {
        return false; // not written yet
      }
    }, 60_000);
    child.kill("SIGKILL");
    await child.status;
    assert(seen, "results.json appeared while the run went on");
    const left = JSON.parse(await Deno.readTextFile(results));
    assertEquals(left.tests.length, 3, "every case is listed");
    assertEquals(left.tests[0].status, "passed");
    const unfinished = left.tests.filter((t: { output: string }) =>
      t.output.includes("The run ended before this case finished")
    );
    assert(unfinished.length >= 1, "cases not finished count as failed");
    assert(
      unfinished.every((t: { status: string; score: number }) =>
        t.status === "failed" && t.score === 0
      ),
    );
    const sum = left.tests.reduce((s: number, t: { score: number }) => s + t.score, 0);
    assertEquals(left.score, sum);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the TAP report's diagnostics carry the requirement and reproduce line", async () => {
  await using mutant = await wrongBytes.start();
  const io = capture();
  await conform([...targetArgs(mutant), ...QUICK, "--report", "tap:-"], { io });
  const tap = io.lines.join("\n");
  const block = /not ok \d+ - tcp\.basic\.single-request\n {2}---\n([\s\S]*?)\n {2}\.\.\./.exec(
    tap,
  )!;
  const diag = parseYaml(block[1].replace(/^ {2}/gm, "")) as Record<string, string>;
  assertStringIncludes(diag.reproduce, "--only tcp.basic.single-request --seed 3");
  assertStringIncludes(diag.requirement, "byte for byte");
});
