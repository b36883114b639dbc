import { assertEquals, assertStringIncludes } from "@std/assert";
import { echoTcp } from "../../fixtures/references/echo.ts";
import type { Mutant } from "../../fixtures/mutant.ts";
import { lp16LittleEndian } from "../../fixtures/mutants/lp16_little_endian.ts";
import { lineNulTerminated } from "../../fixtures/mutants/line_nul_terminated.ts";
import { lineOneRecv } from "../../fixtures/mutants/line_one_recv.ts";
import { lp32ShortSend } from "../../fixtures/mutants/lp32_short_send.ts";
import { nulChunkSkipped } from "../../fixtures/mutants/nul_chunk_skipped.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { type Case, type Profile, runCase } from "../../harness/mod.ts";
import { PROFILES } from "../../harness/subject/profiles.ts";
import { binary, byteByByte, byteOrder, large, randomSplit } from "./framing.ts";
import { selfTest } from "../_self_check.ts";

async function against(mutant: Mutant, c: Case) {
  await using served = await mutant.start();
  return await runCase(c, {
    targets: served.targets,
    profile: PROFILES[mutant.profile],
    seed: 7,
    timeoutMs: 300,
  });
}

selfTest("byteByByte warns when a line server answers each byte as it arrives", async () => {
  await using served = serve({ tcp: echoTcp });
  const line: Profile = PROFILES["line"];
  const r = await runCase(byteByByte, { targets: served.targets, profile: line, seed: 7 });
  assertEquals(r.outcome, "warn", r.message);
  assertStringIncludes(r.message, "pieces while the request trickled in");
});

selfTest("randomSplit names its seed and cut points when it fails", async () => {
  const r = await against(lineOneRecv, randomSplit);
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "(seed ");
  assertStringIncludes(r.message, "cut after bytes ");
  assertEquals(r.transcript.some((e) => e.detail?.startsWith("random split (seed")), true);
});

selfTest("binary names C string handling when the reply stops at a 0x00", async () => {
  const r = await against(lineNulTerminated, binary);
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "NUL-terminated C string");
});

selfTest("byteOrder names a length read in host order", async () => {
  const r = await against(lp16LittleEndian, byteOrder);
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "length read in host order: missing ntohl/ntohs");
});

selfTest(
  "large gives where the reply stopped and the byte due there, without a guess",
  async () => {
    const r = await against(lp32ShortSend, large);
    assertEquals(r.outcome, "fail");
    assertStringIncludes(r.message, "The reply stopped after 65536 of 1048580 bytes");
    assertStringIncludes(r.message, "the connection stayed open; the byte due there is 0x");
    assertEquals(r.message.includes("?"), false, r.message);
  },
);

selfTest(
  "binary names the writes that began with a 0x00 when exactly those are missing",
  async () => {
    const r = await against(nulChunkSkipped, binary);
    assertEquals(r.outcome, "fail");
    assertStringIncludes(r.message, "differs at byte 0: expected 0x00");
    assertStringIncludes(r.message, "each run of them beginning with a 0x00 byte");
    assertStringIncludes(r.message, "strlen() of that chunk is 0");
  },
);

selfTest("large names a skipped piece that began with a 0x00", async () => {
  const r = await against(nulChunkSkipped, large);
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "which begin with 0x00, were skipped");
});

selfTest("large names C string handling when a line reply stops at the first 0x00", async () => {
  const r = await against(lineNulTerminated, large);
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "right up to a 0x00 byte (offset 0) and no further");
});
