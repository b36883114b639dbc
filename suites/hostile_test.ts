/**
 * The hostile mutants against every case of their profile: whatever a target does once it has
 * accepted (resets, drips, floods, a queue it never accepts, bytes aimed at the reports, datagram
 * amplification), the verdicts are the target's (`fail`, never `error`), the console report shows
 * no character a terminal would act on, and the HTML report carries no markup from the target.
 *
 * @module
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { encodeHex } from "@std/encoding/hex";
import { setColorEnabled } from "@std/fmt/colors";
import { hostileMutants } from "../fixtures/mutants/hostile.ts";
import { HOSTILE } from "../fixtures/mutants/hostile_bytes.ts";
import { type CaseResult, runCases, type RunReport, WAITS } from "../harness/mod.ts";
import { PROFILES } from "../harness/subject/profiles.ts";
import { caseDetail, caseLine, closingLines } from "../reports/console.ts";
import { renderHtml } from "../reports/html.ts";
import { ALL_CASES } from "./mod.ts";
import { selfTest } from "./_self_check.ts";

/** Small loads and short waits: the verdicts, not the timings, are under test here. */
const PARAMS = { clients: 10, churn: 50, burst: 16, probes: 8, datagrams: 40, "udp-clients": 10 };

/** Characters a terminal acts on: C0 controls but none, DEL, C1 controls, bidi overrides. */
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/**
 * Every case against the hostile mutant `name`, run once per file: the test of all its verdicts
 * and the tests of one case's message read the same report (seed 1 makes the runs alike anyway).
 */
function runAll(name: string): Promise<RunReport> {
  let report = reports.get(name);
  if (!report) {
    report = runOnce(name);
    reports.set(name, report);
  }
  return report;
}

const reports = new Map<string, Promise<RunReport>>();

async function runOnce(name: string): Promise<RunReport> {
  const mutant = hostileMutants.find((m) => m.name === name)!;
  await using served = await mutant.start();
  return await runCases(ALL_CASES, {
    targets: served.targets,
    profile: PROFILES[mutant.profile],
    seed: 1,
    timeoutMs: 500,
    params: PARAMS,
    reproduce: (id) => `deno task conform --only ${id}`,
  });
}

function consoleLines(report: RunReport): string[] {
  setColorEnabled(false);
  return [
    ...report.cases.map(caseLine),
    ...report.cases.flatMap((c: CaseResult) => caseDetail(c)),
    ...closingLines(report),
  ];
}

for (const mutant of hostileMutants) {
  selfTest(`hostile mutant ${mutant.name}: fail, never error, and inert reports`, async () => {
    const report = await runAll(mutant.name);
    const errors = report.cases.filter((c) => c.outcome === "error");
    assertEquals(errors.map((c) => `${c.id}: ${c.message}`), [], "the target caused every outcome");
    for (const id of mutant.catches) {
      assertEquals(report.cases.find((c) => c.id === id)?.outcome, "fail", id);
    }
    for (const line of consoleLines(report)) {
      assert(
        !RAW_CONTROL.test(line),
        `raw control character on the console: ${JSON.stringify(line)}`,
      );
    }
    const html = renderHtml(report);
    for (const tag of ["<script", "<img", "<a href", "<iframe", 'href="javascript']) {
      assertEquals(html.toLowerCase().includes(tag), false, `${tag} in the HTML report`);
    }
    assert(!RAW_CONTROL.test(html.replaceAll("\n", "")), "raw control character in the HTML");
  });
}

selfTest(
  "hostile-bytes: the console shows the escape sequences as text, the HTML as entities",
  async () => {
    const report = await runAll("hostile-bytes");
    const r = report.cases.find((c) => c.id === "tcp.basic.single-request")!;
    assertEquals(r.outcome, "fail");
    // Text on a terminal is harmless: the console shows the markup as it came.
    const detail = consoleLines({ ...report, cases: [r] }).join("\n");
    assertStringIncludes(detail, "</pre></code></td></table>");
    const html = renderHtml({ ...report, cases: [r] });
    assertStringIncludes(html, "&lt;/pre&gt;&lt;/code&gt;&lt;/td&gt;&lt;/table&gt;");
    // The transcript keeps the escape sequences, shown as hex ("1b 5b" is ESC [).
    assertStringIncludes(html, "1b 5b");
    assertEquals(r.actualHex, encodeHex(HOSTILE.subarray(0, r.actualHex!.length / 2)));
  },
);

selfTest("resets-on-accept: every connecting case fails naming the reset", async () => {
  const report = await runAll("resets-on-accept");
  const connecting = report.cases.filter((c) => c.id.startsWith("tcp.") && c.outcome !== "skip");
  assert(connecting.length > 10);
  for (const c of connecting.filter((c) => c.outcome !== "info")) {
    assertEquals(c.outcome, "fail", `${c.id}: ${c.message}`);
    assert(/reset|closed|EOF|Not loaded/i.test(c.message), `${c.id}: ${c.message}`);
  }
});

selfTest(
  "never-accepts: connects that time out after the run's first was accepted are fails",
  async () => {
    const report = await runAll("never-accepts");
    const r = report.cases.find((c) => c.id === "tcp.halfclose.connect-close")!;
    assertEquals(r.outcome, "fail");
    assertStringIncludes(r.message, "though the target accepted the run's first connection");
  },
);

selfTest("drips: a reply that trickles ends at its bound, named as too slow", async () => {
  const report = await runAll("drips");
  const r = report.cases.find((c) => c.id === "tcp.basic.single-request")!;
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "was still incomplete");
  // Unbounded, the drip would take a second a byte, past the case's 30 s deadline; the bound ends
  // it within a second. Half the deadline tells the two apart with a margin no load can eat.
  assert(r.durationMs < WAITS.caseTimeoutMs / 2, `${r.durationMs} ms`);
});
