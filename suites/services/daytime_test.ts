import { assertEquals, assertStringIncludes } from "@std/assert";
import { daytimeText } from "../../fixtures/references/daytime.ts";
import { daytimeProblem } from "./daytime.ts";
import { selfTest } from "../_self_check.ts";

const text = (s: string) => new TextEncoder().encode(s);
const now = new Date("2026-03-04T05:06:07Z");

selfTest("daytimeProblem() accepts the RFC 867 examples and common formats", () => {
  assertEquals(
    daytimeProblem(
      text("Tuesday, February 22, 1982 17:37:43-PST\r\n"),
      new Date("1982-02-23T01:37:43Z"),
    ),
    null,
  );
  assertEquals(daytimeProblem(daytimeText(now), now), null);
  assertEquals(daytimeProblem(text("Wed Mar  4 05:06:07 2026\n"), now), null); // ctime()
  assertEquals(daytimeProblem(text("04 MAR 2026 05:06:07 UTC-ish"), now), null);
  assertEquals(daytimeProblem(text("2026-03-04 06:06:07 +0100\r\n"), now), null);
});

selfTest(
  "daytimeProblem() rejects a date far from now, a text without the year, and binary",
  () => {
    assertStringIncludes(
      daytimeProblem(text("Sat, 01 Jan 2000 00:00:00 GMT\r\n"), now)!,
      "more than a day from",
    );
    assertStringIncludes(daytimeProblem(text("it is late\r\n"), now)!, "names no year 2026");
    assertStringIncludes(daytimeProblem(new Uint8Array([0x32, 0x00, 0x30]), now)!, "Byte 1");
    assertEquals(daytimeProblem(new Uint8Array(0), now), "The server sent no text");
  },
);

selfTest("daytimeProblem() accepts the neighbouring year around New Year", () => {
  const newYear = new Date("2027-01-01T00:30:00Z");
  assertEquals(daytimeProblem(text("Thursday 31 December 2026, 16:30 PST-ish"), newYear), null);
});
