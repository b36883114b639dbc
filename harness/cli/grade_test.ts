import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parse } from "@std/csv";
import { closesAtOnce } from "../../fixtures/mutants/closes_at_once.ts";
import { silent } from "../../fixtures/mutants/silent.ts";
import { wrongBytes } from "../../fixtures/mutants/wrong_bytes.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { echo } from "./_test_utils.ts";
import { parseRoster } from "../grade/roster.ts";
import type { Io } from "../subject/args.ts";
import { defaultConcurrency, grade, GRADE_CONCURRENCY, PROGRAM_CONCURRENCY } from "./grade.ts";
import { STUDENT_FILES } from "../subject/output.ts";
import { freePort } from "../program/free_port.ts";

/** Captures what grade() prints. */
function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/** Two ports nothing listens on: a TCP one and a UDP one. */
function closedPorts(): { tcp: number; udp: number } {
  return { tcp: freePort("tcp"), udp: freePort("udp") };
}

/** The options every grade run here shares: the basic groups, short waits, a fixed seed. */
const QUICK = ["--only", "tcp.basic", "--only", "udp.basic", "--timeout", "500", "--seed", "1"];

async function gradebook(out: string): Promise<Record<string, string>[]> {
  return parse(await Deno.readTextFile(`${out}/gradebook.csv`), { skipFirstRow: true }) as Record<
    string,
    string
  >[];
}

Deno.test("grade grades a roster of reference, mutants, unreachable and malformed rows", async () => {
  await using reference = serve(echo.reference!);
  await using wrong = await wrongBytes.start();
  await using quiet = await silent.start();
  await using closes = await closesAtOnce.start();
  const closed = closedPorts();
  const dir = await Deno.makeTempDir({ prefix: "sockspec-grade-" });
  try {
    const out = `${dir}/out`;
    const roster = `${dir}/roster.csv`;
    const t = (s: { targets: { tcp?: { url: string }; udp?: { url: string } } }) =>
      `${s.targets.tcp?.url ?? ""},${s.targets.udp?.url ?? ""}`;
    await Deno.writeTextFile(
      roster,
      [
        "student,tcp,udp,profile",
        `ada,${t(reference)},echo`,
        `bob,${t(wrong)},`,
        `"../../cy",${t(quiet)},echo`,
        `dee,${t(closes)},echo`,
        `eve,tcp://127.0.0.1:${closed.tcp},udp://127.0.0.1:${closed.udp},echo`,
        `fay,tcp//not-a-url,,echo`,
        `ada,${t(reference)},echo`,
        `gus,${reference.targets.tcp!.url},,echo`,
      ].join("\n"),
    );
    const io = capture();
    const code = await grade(
      ["--roster", roster, "--out", out, "--concurrency", "3", ...QUICK],
      { io },
    );
    assertEquals(code, 3, "rows could not all be graded\n" + io.lines.join("\n"));
    assertEquals(io.errors, []);
    const rows = await gradebook(out);
    const by = (line: number) => rows.find((r) => r.line === String(line))!;
    assertEquals(rows.map((r) => r.student), [
      "ada",
      "bob",
      "../../cy",
      "dee",
      "eve",
      "fay",
      "ada",
      "gus",
    ]);
    // The reference earns every point; every mutant fewer.
    const ada = by(2);
    assertEquals([ada.total, ada.status], [ada.max, "ok"]);
    assert(Number(ada.max) > 0);
    for (const line of [3, 4, 5]) {
      assert(Number(by(line).total) < Number(by(line).max), `line ${line} loses points`);
      assertEquals(by(line).status, "ok");
    }
    assertEquals(Number(by(3).fail) > 0, true);
    // Unreachable: graded as zero, with the reason.
    assertEquals(by(6).total, "0");
    assertStringIncludes(by(6).status, `tcp://127.0.0.1:${closed.tcp} unreachable`);
    assertEquals(Number(by(6).error) > 0, true);
    // Malformed and duplicate rows: a reason, no score.
    assertEquals([by(7).total, by(8).total], ["", ""]);
    assertStringIncludes(by(7).status, 'Cannot parse target "tcp//not-a-url"');
    assertStringIncludes(by(8).status, 'Duplicate student "ada" (first on line 2)');
    // No UDP target: the UDP cases are worth their points and earn none; a case that does not
    // apply to the profile counts for no one.
    const gus = by(9);
    for (const line of [3, 4, 5, 6, 9]) {
      assertEquals(by(line).max, ada.max, "one maximum for every student of a profile");
    }
    assertEquals(Number(gus.total), Number(ada.total) - Number(ada["udp.basic"]));
    assertEquals(gus["udp.basic"], "0");
    assertEquals(gus.report, "gus/report.html");
    // Each graded student has a directory of three reports, named safely, inside out.
    const dirs = [];
    for await (const e of Deno.readDir(out)) dirs.push(e.name);
    assertEquals(dirs.sort(), [
      "ada",
      "bob",
      "cy",
      "dee",
      "eve",
      "gradebook.csv",
      "gradebook.md",
      "gus",
      "junit.xml",
      "manifest.json",
    ]);
    for (const d of ["ada", "bob", "cy", "dee", "eve", "gus"]) {
      for (const f of Object.values(STUDENT_FILES)) await Deno.stat(`${out}/${d}/${f}`);
      const results = JSON.parse(
        await Deno.readTextFile(`${out}/${d}/${STUDENT_FILES.gradescope}`),
      );
      const sum = results.tests.reduce((s: number, t: { score: number }) => s + t.score * 100, 0);
      assertEquals(Math.round(results.score * 100), Math.round(sum), `${d}: scores add up`);
      const row = rows.find((r) => r.report === `${d}/report.html`)!;
      assertEquals(String(results.score), row.total, `${d}: gradebook and results.json agree`);
    }
    const eve = JSON.parse(await Deno.readTextFile(`${out}/eve/report.json`));
    assertStringIncludes(eve.cases[0].message, "was unreachable before the run");
    const gusReport = JSON.parse(await Deno.readTextFile(`${out}/gus/report.json`));
    const udpCase = gusReport.cases.find((c: { id: string }) => c.id.startsWith("udp."));
    assertEquals(udpCase.outcome, "error");
    assertStringIncludes(udpCase.message, "The roster gives no UDP target");
    const md = await Deno.readTextFile(`${out}/gradebook.md`);
    assertStringIncludes(md, `| ada | ${ada.total}/${ada.max} |`);
    assertStringIncludes(md, "[html](cy/report.html)");
    assertStringIncludes(io.lines.join("\n"), "6 to grade");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Echo servers that note when they are in use, from their first accepted connection to the end of
 * their last: `right` ones echo, `wrong` ones change every byte, `silent` ones never answer.
 */
function timedServer(kind: "right" | "wrong" | "silent") {
  const span = { first: Infinity, last: 0 };
  const reply = (data: Uint8Array) => kind === "wrong" ? data.map((b) => b ^ 1) : data;
  const served = serve({
    tcp: async (conn) => {
      span.first = Math.min(span.first, performance.now());
      try {
        const buf = new Uint8Array(4096);
        for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
          if (kind !== "silent") await conn.write(reply(buf.subarray(0, n)));
        }
      } finally {
        span.last = Math.max(span.last, performance.now());
      }
    },
    udp: async (data, from, socket) => {
      if (kind !== "silent") await socket.send(reply(data), from);
    },
  });
  return Object.assign(served, { span });
}

Deno.test("grade grades six targets at once and prints its wall time beside one target's", async () => {
  await using quiet = await silent.start();
  await using s1 = timedServer("right");
  await using s2 = timedServer("wrong");
  await using s3 = timedServer("silent");
  await using s4 = timedServer("right");
  await using s5 = timedServer("wrong");
  await using s6 = timedServer("silent");
  const servers = [s1, s2, s3, s4, s5, s6];
  const dir = await Deno.makeTempDir({ prefix: "sockspec-grade-" });
  try {
    const line = (name: string, s: { targets: { tcp?: { url: string }; udp?: { url: string } } }) =>
      `${name},${s.targets.tcp?.url ?? ""},${s.targets.udp?.url ?? ""},echo`;
    const one = `${dir}/one.csv`;
    const six = `${dir}/six.csv`;
    await Deno.writeTextFile(one, ["student,tcp,udp,profile", line("s1", quiet)].join("\n"));
    await Deno.writeTextFile(
      six,
      ["student,tcp,udp,profile", ...servers.map((s, i) => line(`s${i + 1}`, s))].join("\n"),
    );
    const time = async (roster: string, out: string) => {
      const started = performance.now();
      const code = await grade(
        ["--roster", roster, "--out", out, "--concurrency", "6", ...QUICK],
        { io: capture() },
      );
      assertEquals(code, 0);
      return performance.now() - started;
    };
    const single = await time(one, `${dir}/one`);
    const batch = await time(six, `${dir}/six`);
    console.log(
      `grade wall time: 1 target ${single.toFixed(0)} ms, 6 targets ${batch.toFixed(0)} ms (${
        (batch / single).toFixed(2)
      }x)`,
    );
    assertEquals((await gradebook(`${dir}/six`)).length, 6);
    // At once: there is a moment when every student's server is in use. One after another, each
    // server would be done before the next one's first connection.
    const lastFirst = Math.max(...servers.map((s) => s.span.first));
    const firstLast = Math.min(...servers.map((s) => s.span.last));
    assert(
      lastFirst < firstLast,
      `the last server to be used started ${(lastFirst - firstLast).toFixed(0)} ms after ` +
        "the first to be done ended",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grade exits 2 with one line for a usage error", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-grade-" });
  try {
    const roster = `${dir}/roster.csv`;
    await Deno.writeTextFile(roster, "student,tcp,udp,profile\nada,tcp://127.0.0.1:9,,echo\n");
    const file = `${dir}/a-file`;
    await Deno.writeTextFile(file, "");
    const cases: [string, string[], string][] = [
      ["no roster option", ["--out", dir], "No roster: give --roster"],
      [
        "a roster that does not exist",
        ["--roster", `${dir}/nope.csv`, "--out", dir],
        "Cannot read roster",
      ],
      [
        "an output directory that cannot be made",
        ["--roster", roster, "--out", `${file}/out`],
        "Cannot write to output directory",
      ],
      [
        "an unknown option",
        ["--roster", roster, "--out", dir, "--frob"],
        'Unknown option "--frob"',
      ],
      [
        "a bad concurrency",
        ["--roster", roster, "--out", dir, "--concurrency", "0"],
        "--concurrency",
      ],
      ["a rubric that does not exist", [
        "--roster",
        roster,
        "--out",
        dir,
        "--rubric",
        `${dir}/r.toml`,
      ], "Cannot read rubric"],
      ["a roster without a header", ["--roster", file, "--out", dir], "is empty"],
    ];
    for (const [what, args, message] of cases) {
      await t.step(what, async () => {
        const io = capture();
        assertEquals(await grade(args, { io }), 2);
        assertEquals(io.errors.length, 1, io.errors.join("\n"));
        assertStringIncludes(io.errors[0], message);
        assert(!/\bat .*:\d+:\d+/.test(io.errors[0]), "no stack trace");
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grade grades 12 students at once by default, 4 when the roster launches programs", () => {
  const rows = (csv: string) => parseRoster(csv, "roster.csv").flatMap((r) => (r.ok ? [r] : []));
  const targets = rows("student,tcp,udp,profile\nada,127.0.0.1:7,,echo\nbob,127.0.0.1:9,,echo\n");
  assertEquals(defaultConcurrency(targets), GRADE_CONCURRENCY);
  assertEquals(GRADE_CONCURRENCY, 12);
  const programs = rows(
    "student,tcp,udp,profile,command\nada,127.0.0.1:7,,echo,\nbob,,,echo,./server {port}\n",
  );
  assertEquals(defaultConcurrency(programs), PROGRAM_CONCURRENCY);
  assertEquals(PROGRAM_CONCURRENCY, 4);
  const clients = rows("student,client\nada,./client {host} {port}\n");
  assertEquals(defaultConcurrency(clients), PROGRAM_CONCURRENCY);
});
