/**
 * Reports for the writers' tests: real runs against the echo reference and a mutant, and a
 * made-up report with every outcome and hostile text.
 *
 * @module
 */
import { wrongBytes } from "../fixtures/mutants/wrong_bytes.ts";
import { serve } from "../fixtures/references/serve.ts";
import { type CaseResult, runCases, type RunReport, selectCases } from "../harness/mod.ts";
import { ALL_CASES } from "../suites/mod.ts";
import { PROFILES } from "../harness/subject/profiles.ts";

/** The cases the writers' tests run: quick ones with sends, receives and failures. */
export const SAMPLE_ONLY = ["tcp.basic", "udp.basic", "tcp.framing.byte-by-byte"];

/** Runs the sample cases against the echo reference (`reference`) and the wrong-bytes mutant. */
export async function sampleRuns(): Promise<{ reference: RunReport; mutant: RunReport }> {
  const cases = selectCases(ALL_CASES, SAMPLE_ONLY, []);
  const reproduce = (id: string) => `deno task conform --only ${id} --seed 1`;
  const echo = PROFILES.echo;
  let reference: RunReport;
  {
    await using served = serve(echo.reference!);
    reference = await runCases(cases, {
      targets: served.targets,
      profile: echo,
      seed: 1,
      reproduce,
    });
  }
  let mutant: RunReport;
  {
    await using served = await wrongBytes.start();
    mutant = await runCases(cases, { targets: served.targets, profile: echo, seed: 1, reproduce });
  }
  return { reference, mutant };
}

/** Text a hostile target could make a report carry. */
export const HOSTILE =
  `<script>alert(1)</script> & "quotes" 'single' | pipes # hash %25 50% a:b,c \`tick\`\n::error::x\r\n\x00\x01\x1b[31m \u2028 \ud800 ]]> <!-- -->`;

function result(id: string, outcome: CaseResult["outcome"], extra: Partial<CaseResult> = {}) {
  return {
    id,
    title: `Title of ${id}`,
    requirement: `Requirement of ${id}`,
    outcome,
    message: outcome === "pass" ? "" : `Message of ${id}`,
    durationMs: 12,
    transcript: [],
    reproduce: `deno task conform --only ${id} --seed 9`,
    ...extra,
  } satisfies CaseResult;
}

/** A made-up report: every outcome, hostile strings and bytes, a flaky case with repeats. */
export function syntheticReport(): RunReport {
  const cases: CaseResult[] = [
    result("tcp.basic.connect", "pass"),
    result("tcp.basic.single-request", "fail", {
      message: `The reply differs: ${HOSTILE}`,
      expected: `3 bytes "abc"`,
      actual: HOSTILE,
      expectedHex: "616263",
      actualHex: "3c7363726970743e00ff0a",
      transcript: [
        { t: 0.5, conn: "c1", kind: "connect", detail: "127.0.0.1:1 -> 127.0.0.1:2" },
        { t: 1, conn: "c1", kind: "send", dir: "out", length: 3, hex: "616263" },
        {
          t: 2.25,
          conn: "c1",
          kind: "recv",
          dir: "in",
          length: 11,
          hex: "3c7363726970743e00ff0a",
        },
        {
          t: 3,
          conn: "c1",
          kind: "recv",
          dir: "in",
          length: 600,
          hex: "41".repeat(512),
          truncated: true,
        },
        { t: 4, conn: "c1", kind: "timeout", detail: `no bytes for 2000 ms ${HOSTILE}` },
      ],
    }),
    result("tcp.basic.clean-close", "error", { message: `Refused ${HOSTILE}` }),
    result("udp.basic.single-datagram", "skip", { message: "No UDP target given" }),
    result("tcp.framing.split-header", "skip", {
      message: 'Needs length-prefix framing; "echo" # has',
    }),
    result("tcp.halfclose.eof-closes", "warn", { message: "Closed late # slow" }),
    result("tcp.backlog.measure", "info", { message: "Queue held 5", data: { queued: 5 } }),
    result("tcp.framing.byte-by-byte", "flaky", {
      message: "Outcomes differed across 3 runs (pass, fail, pass); run 2: differs",
      repeats: ["pass", "fail", "pass"],
    }),
  ];
  const summary = { pass: 1, fail: 1, error: 1, skip: 2, warn: 1, info: 1, flaky: 1 };
  return {
    tool: { name: "sockspec", version: "0.1.0" },
    targets: [{ url: "tcp://127.0.0.1:7000", transport: "tcp", host: "127.0.0.1", port: 7000 }],
    profile: "echo",
    seed: 9,
    strict: false,
    startedAt: "2026-01-02T03:04:05.678Z",
    durationMs: 1234,
    summary,
    cases,
  };
}
