import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { freePort } from "../program/free_port.ts";
import { wrongBytes } from "../../fixtures/mutants/wrong_bytes.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { echo } from "./_test_utils.ts";
import type { Io } from "../subject/args.ts";
import { grade } from "./grade.ts";
import type { Manifest } from "../grade/manifest.ts";
import { STUDENT_FILES } from "../subject/output.ts";

/** Captures what grade() prints. */
function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/** The basic groups, short waits, a fixed seed: what every grade run here shares. */
const QUICK = ["--only", "tcp.basic", "--only", "udp.basic", "--timeout", "500", "--seed", "7"];

/** JUnit with its times masked: what may differ between two runs that graded alike. */
const untimed = (xml: string) => xml.replace(/ (time|timestamp)="[^"]*"/g, ` $1="…"`);

/** What a student's folder says, without times: each case's outcome and message, and the score. */
async function studentFolder(dir: string): Promise<unknown> {
  const report = JSON.parse(await Deno.readTextFile(`${dir}/${STUDENT_FILES.json}`));
  const results = JSON.parse(await Deno.readTextFile(`${dir}/${STUDENT_FILES.gradescope}`));
  return {
    cases: report.cases.map((c: { id: string; outcome: string; message: string }) =>
      `${c.id} ${c.outcome} ${c.message}`
    ),
    score: results.score,
    files: (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(),
  };
}

/** Everything in an output folder but times: batch files, folder names, each student's folder. */
async function folder(out: string): Promise<Record<string, unknown>> {
  const names = (await Array.fromAsync(Deno.readDir(out))).map((e) => e.name).sort();
  const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`)) as Manifest;
  const students: Record<string, unknown> = {};
  for (const row of manifest.rows) {
    if (row.dir) students[row.dir] = await studentFolder(`${out}/${row.dir}`);
  }
  return {
    names,
    csv: await Deno.readTextFile(`${out}/gradebook.csv`),
    md: await Deno.readTextFile(`${out}/gradebook.md`),
    junit: untimed(await Deno.readTextFile(`${out}/junit.xml`)),
    rows: manifest.rows,
    students,
  };
}

Deno.test("grade --shard 1/2 and --shard-count 2, merged, give the unsharded run's folder", async () => {
  await using reference = serve(echo.reference!);
  await using wrong = await wrongBytes.start();
  const closed = { tcp: freePort("tcp"), udp: freePort("udp") };
  const dir = await Deno.makeTempDir({ prefix: "sockspec-shard-" });
  try {
    const t = (s: { targets: { tcp?: { url: string }; udp?: { url: string } } }) =>
      `${s.targets.tcp?.url ?? ""},${s.targets.udp?.url ?? ""}`;
    const roster = `${dir}/roster.csv`;
    await Deno.writeTextFile(
      roster,
      [
        "student,tcp,udp,profile",
        `ada,${t(reference)},echo`,
        `bob,${t(wrong)},echo`,
        `fay,tcp//not-a-url,,echo`,
        `eve,tcp://127.0.0.1:${closed.tcp},udp://127.0.0.1:${closed.udp},echo`,
        `gus,${reference.targets.tcp!.url},,echo`,
        `ada,${t(reference)},echo`,
      ].join("\n") + "\n",
    );
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const io = capture();
      const code = await grade([...args], { io, env: (name) => env[name] });
      assertEquals(io.errors, []);
      return { code, io };
    };
    const whole = await run(["--roster", roster, "--out", `${dir}/whole`, ...QUICK]);
    assertEquals(whole.code, 3, whole.io.lines.join("\n"));
    const one = await run(["--roster", roster, "--out", `${dir}/s1`, "--shard", "1/2", ...QUICK]);
    // The second shard as a Kubernetes Indexed Job's second pod finds it.
    const two = await run(
      ["--roster", roster, "--out", `${dir}/s2`, "--shard-count", "2", ...QUICK],
      { JOB_COMPLETION_INDEX: "1" },
    );
    assertStringIncludes(one.io.lines[0], "shard 1/2: 3 of them");
    assertStringIncludes(two.io.lines[0], "shard 2/2: 3 of them");
    // Every other row, by position: ada, fay, gus in the first; bob, eve, the duplicate in the second.
    const rowsOf = async (out: string) =>
      (JSON.parse(await Deno.readTextFile(`${out}/manifest.json`)) as Manifest).rows.map((r) =>
        r.line
      );
    assertEquals(await rowsOf(`${dir}/s1`), [2, 4, 6]);
    assertEquals(await rowsOf(`${dir}/s2`), [3, 5, 7]);
    const merged = await run(["--merge", `${dir}/s2`, `${dir}/s1`, "--out", `${dir}/merged`]);
    assertEquals(merged.code, 3, merged.io.lines.join("\n"));
    const [a, b] = [await folder(`${dir}/whole`), await folder(`${dir}/merged`)];
    assertEquals(b, a);
    assertEquals(Object.keys(a.students as object).sort(), ["ada", "bob", "eve", "gus"]);
    assertStringIncludes(a.csv as string, "(first on line 2)");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grade --merge refuses folders of another rubric or sockspec version with one line", async (t) => {
  await using reference = serve(echo.reference!);
  const dir = await Deno.makeTempDir({ prefix: "sockspec-shard-" });
  try {
    const roster = `${dir}/roster.csv`;
    await Deno.writeTextFile(
      roster,
      `student,tcp,udp,profile\nada,${reference.targets.tcp!.url},,echo\nbob,tcp//x,,echo\n`,
    );
    for (const i of [1, 2]) {
      const args = ["--roster", roster, "--out", `${dir}/s${i}`, "--shard", `${i}/2`];
      const code = await grade([...args, "--only", "tcp.basic.connect"], { io: capture() });
      assertEquals(code, i === 1 ? 0 : 3, "ada is graded, bob's row is malformed");
    }
    const edit = async (name: string, change: (m: Manifest) => void) => {
      await Deno.mkdir(`${dir}/${name}`);
      const m = JSON.parse(await Deno.readTextFile(`${dir}/s2/manifest.json`)) as Manifest;
      change(m);
      await Deno.writeTextFile(`${dir}/${name}/manifest.json`, JSON.stringify(m));
    };
    await edit("rubric", (m) => m.rubric = { source: "mine.toml", sha256: "ab".repeat(32) });
    await edit("version", (m) => m.tool.version = "9.9.9");
    await edit("seed", (m) => m.settings.seed += 1);
    await edit("twice", (m) => m.shard = { index: 1, count: 2 });
    const refusals: [string, string[], string][] = [
      ["another rubric", ["rubric"], "scored with another rubric (mine.toml"],
      ["another version", ["version"], "graded by sockspec 9.9.9, not sockspec"],
      ["other settings", ["seed"], "graded with other settings (seed"],
      ["a shard twice", ["twice"], "both hold shard 1/2"],
      ["a missing shard", [], "shard 2/2 missing"],
      ["a folder with no manifest", ["nothing"], "no manifest.json"],
    ];
    await Deno.mkdir(`${dir}/nothing`);
    for (const [what, others, message] of refusals) {
      await t.step(what, async () => {
        const io = capture();
        const dirs = [`${dir}/s1`, ...others.map((o) => `${dir}/${o}`)];
        assertEquals(await grade(["--merge", ...dirs, "--out", `${dir}/m`], { io }), 2);
        assertEquals(io.errors.length, 1, io.errors.join("\n"));
        assertStringIncludes(io.errors[0], message);
        assert(!/\bat .*:\d+:\d+/.test(io.errors[0]), "no stack trace");
      });
    }
    await t.step("run options with --merge", async () => {
      const io = capture();
      const args = ["--merge", `${dir}/s1`, `${dir}/s2`, "--out", `${dir}/m`, "--seed", "1"];
      assertEquals(await grade(args, { io }), 2);
      assertStringIncludes(io.errors[0], "Option --seed does not go with --merge");
    });
    await t.step("a bad shard", async () => {
      for (const shard of ["0/2", "3/2", "x"]) {
        const io = capture();
        const args = ["--roster", roster, "--out", `${dir}/m`, "--shard", shard];
        assertEquals(await grade(args, { io }), 2);
        assertStringIncludes(io.errors[0], "Option --shard needs I/N");
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
