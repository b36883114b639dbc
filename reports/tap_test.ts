import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parse as parseYaml } from "@std/yaml";
import { renderTap } from "./tap.ts";
import { sampleRuns, syntheticReport } from "./_test_utils.ts";

/** One test point as a TAP 14 consumer sees it. */
interface Point {
  ok: boolean;
  id: number;
  name: string;
  skip?: string;
  diag?: Record<string, unknown>;
}

/**
 * A strict TAP 14 reader for what renderTap() writes: the version line first, one plan, test
 * points numbered from 1, YAML blocks indented two spaces between `---` and `...` right after
 * their test point, comments; any other line is an error.
 */
function strictTap(text: string): { plan: number; points: Point[] } {
  const lines = text.replace(/\n$/, "").split("\n");
  assertEquals(lines[0], "TAP version 14");
  let plan = -1;
  const points: Point[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("#")) continue;
    const p = /^1\.\.(\d+)$/.exec(line);
    if (p) {
      assertEquals(plan, -1, "one plan");
      plan = Number(p[1]);
      continue;
    }
    const t = /^(ok|not ok) (\d+) - ((?:[^#\\]|\\.)*?)(?: # (SKIP|TODO)(?: (.*))?)?$/.exec(line);
    if (t) {
      const point: Point = { ok: t[1] === "ok", id: Number(t[2]), name: t[3] };
      if (t[4] === "SKIP") point.skip = t[5] ?? "";
      assertEquals(point.id, points.length + 1, `test point ${point.id} in order`);
      points.push(point);
      continue;
    }
    if (line === "  ---") {
      assert(/^(ok|not ok) /.test(lines[i - 1]), `a YAML block follows its test point (line ${i})`);
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== "  ..."; i++) {
        assert(lines[i].startsWith("  "), `YAML line ${i + 1} is indented two spaces`);
        body.push(lines[i].slice(2));
      }
      assertEquals(lines[i], "  ...", "the YAML block ends");
      const diag = parseYaml(body.join("\n"));
      assert(typeof diag === "object" && diag !== null, "the YAML block is a mapping");
      points.at(-1)!.diag = diag as Record<string, unknown>;
      continue;
    }
    throw new Error(`Line ${i + 1} is not TAP: ${JSON.stringify(line)}`);
  }
  assertEquals(points.length, plan, "the plan matches the test points");
  return { plan, points };
}

Deno.test("renderTap() writes a stream a strict TAP 14 reader accepts, for every outcome", () => {
  const { points } = strictTap(renderTap(syntheticReport()));
  assertEquals(points.map((p) => [p.ok, p.name]), [
    [true, "tcp.basic.connect"],
    [false, "tcp.basic.single-request"],
    [false, "tcp.basic.clean-close"],
    [true, "udp.basic.single-datagram"],
    [true, "tcp.framing.split-header"],
    [true, "tcp.halfclose.eof-closes"],
    [true, "tcp.backlog.measure"],
    [false, "tcp.framing.byte-by-byte"],
  ]);
  assertEquals(points[3].skip, "No UDP target given");
  assertEquals(points[4].skip, 'Needs length-prefix framing; "echo" \\# has');
  const fail = points[1].diag!;
  assertEquals(fail.requirement, "Requirement of tcp.basic.single-request");
  assertEquals(fail.expected, '3 bytes "abc"');
  assertStringIncludes(String(fail.actual), "<script>alert(1)</script>");
  assertEquals(fail.reproduce, "deno task conform --only tcp.basic.single-request --seed 9");
  assert(Array.isArray(fail.transcript));
  assertEquals(points[7].diag!.repeats, ["pass", "fail", "pass"]);
  assertEquals(points[0].diag, undefined, "a plain pass has no diagnostics");
});

Deno.test("renderTap() output of real runs passes the strict reader", async () => {
  const { reference, mutant } = await sampleRuns();
  const ref = strictTap(renderTap(reference));
  assert(ref.points.every((p) => p.ok));
  const bad = strictTap(renderTap(mutant));
  assert(bad.points.some((p) => !p.ok && p.diag?.expected !== undefined));
});

/** Installs tap-parser (TAP 14) into a directory outside the repo, once; null when it cannot. */
async function tapParser(): Promise<string | null> {
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/sockspec-tap-parser-18`;
  try {
    await Deno.stat(`${dir}/node_modules/tap-parser/package.json`);
    return dir;
  } catch { /* not installed yet */ }
  try {
    await Deno.mkdir(dir, { recursive: true });
    const out = await new Deno.Command("npm", {
      args: ["install", "--no-audit", "--no-fund", "--silent", "--prefix", dir, "tap-parser@18"],
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    return out.code === 0 ? dir : null;
  } catch {
    return null;
  }
}

const parserDir = await tapParser();
if (!parserDir) {
  console.warn("tap_test: skipping the tap-parser check: node/npm missing or npm unreachable");
}

/** Parses TAP with tap-parser in strict mode under node; returns its final result and asserts. */
async function parseWithTapParser(tap: string) {
  const script = `
const { Parser } = require("tap-parser");
const asserts = [];
const p = new Parser({ strict: true }, (final) => {
  process.stdout.write(JSON.stringify({ final, asserts }));
});
p.on("assert", (a) => asserts.push({ ok: a.ok, id: a.id, name: a.name, skip: a.skip, diag: a.diag }));
let text = "";
process.stdin.on("data", (d) => (text += d));
process.stdin.on("end", () => p.end(text));`;
  const child = new Deno.Command("node", {
    args: ["-e", script],
    cwd: parserDir!,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(tap));
  await writer.close();
  const out = await child.output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({
  name: "renderTap() output parses with tap-parser (TAP 14) in strict mode",
  ignore: parserDir === null,
  async fn() {
    const { reference, mutant } = await sampleRuns();
    for (const report of [syntheticReport(), reference, mutant]) {
      const { final, asserts } = await parseWithTapParser(renderTap(report));
      const s = report.summary;
      assertEquals(final.count, report.cases.length);
      assertEquals(final.plan.end, report.cases.length);
      assertEquals(final.fail, s.fail + s.error + s.flaky);
      assertEquals(final.skip, s.skip);
      assertEquals(
        final.failures.filter((f: { tapError?: string }) => f.tapError),
        [],
        "no parse errors",
      );
      assertEquals(asserts.map((a: { name: string }) => a.name), report.cases.map((c) => c.id));
      for (const [i, c] of report.cases.entries()) {
        if (c.outcome === "pass" || c.outcome === "skip") continue;
        assertEquals(asserts[i].diag.requirement, c.requirement, `${c.id} diagnostics parsed`);
        assertEquals(asserts[i].diag.reproduce, c.reproduce);
        if (c.expected !== undefined) assertEquals(asserts[i].diag.expected, c.expected);
        if (c.actual !== undefined) assertEquals(asserts[i].diag.actual, c.actual);
      }
    }
  },
});
