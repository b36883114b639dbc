import { assertEquals } from "@std/assert";
import { chargenLine } from "../../fixtures/references/chargen.ts";
import { checkChargenStream, firstNonText, isChargenRun, patternDifferences } from "./chargen.ts";
import { selfTest } from "../_self_check.ts";

const lines = (from: number, n: number) =>
  new Uint8Array(Array.from({ length: n }, (_, i) => [...chargenLine(from + i)]).flat());

selfTest("checkChargenStream() accepts 200 lines from any starting character", () => {
  assertEquals(checkChargenStream(lines(0, 200)), null);
  assertEquals(checkChargenStream(lines(1, 200)), null); // the RFC's example starts with "!"
  assertEquals(checkChargenStream(lines(94, 3).subarray(0, 100)), null);
});

selfTest("checkChargenStream() finds a line that does not rotate", () => {
  const stuck = new Uint8Array([...chargenLine(0), ...chargenLine(0)]);
  const broken = checkChargenStream(stuck);
  assertEquals(broken?.at, 74);
  assertEquals(broken?.line, 2);
});

selfTest("checkChargenStream() finds a missing character in the ring", () => {
  const bytes = lines(0, 3);
  bytes[74 + 71] = 0x41;
  assertEquals(checkChargenStream(bytes)?.at, 74 + 71);
});

selfTest("checkChargenStream() accepts LF line ends and rejects a 71-character line", () => {
  const lf = new Uint8Array(
    Array.from({ length: 3 }, (_, i) => [...chargenLine(i).subarray(0, 72), 0x0a]).flat(),
  );
  assertEquals(checkChargenStream(lf), null);
  const short = new Uint8Array([...chargenLine(0).subarray(0, 71), 0x0d, 0x0a]);
  assertEquals(checkChargenStream(short)?.at, 71);
});

selfTest("isChargenRun() accepts any run of the pattern and nothing else", () => {
  const all = lines(0, 200);
  assertEquals(isChargenRun(all.subarray(1000, 1512)), true);
  assertEquals(isChargenRun(all.subarray(73, 75)), true);
  assertEquals(isChargenRun(new Uint8Array(0)), true);
  assertEquals(isChargenRun(new Uint8Array([...chargenLine(5), ...chargenLine(5)])), false);
  assertEquals(isChargenRun(new TextEncoder().encode("hello")), false);
});

/** xinetd's chargen: the 94 characters from "!" to "~" (no space), 72 to a line, CR LF. */
function xinetdLines(n: number): Uint8Array {
  const ring = Array.from({ length: 94 }, (_, i) => 0x21 + i);
  return new Uint8Array(
    Array.from({ length: n }, (_, l) => [
      ...Array.from({ length: 72 }, (_, j) => ring[(l + j) % 94]),
      0x0d,
      0x0a,
    ]).flat(),
  );
}

selfTest("patternDifferences() names xinetd's ring of 94 and nothing else", () => {
  assertEquals(patternDifferences(xinetdLines(200), true), [
    "a ring of 94 characters from '!' to '~' (the pattern's has 95, from ' ' to '~')",
  ]);
  assertEquals(patternDifferences(lines(3, 200), true), []);
  assertEquals(patternDifferences(lines(0, 200).subarray(333, 845), false), []);
});

selfTest(
  "patternDifferences() names lines that do not rotate, other widths, no line breaks",
  () => {
    const stuck = new Uint8Array([...chargenLine(0), ...chargenLine(0), ...chargenLine(0)]);
    assertEquals(
      patternDifferences(stuck, true).some((d) => d.startsWith("line 2 starts with ' '")),
      true,
    );
    const wide = new TextEncoder().encode("abcdefghij\r\nbcdefghijk\r\ncdefghijkl\r\n");
    assertEquals(
      patternDifferences(wide, true)[0],
      "lines of 10 characters (the pattern's have 72)",
    );
    assertEquals(patternDifferences(new TextEncoder().encode("x".repeat(300)), true), [
      "no line break in 300 characters (the pattern ends each line after 72)",
    ]);
  },
);

selfTest("firstNonText() finds the NUL a C string's sizeof adds, and accepts CR LF", () => {
  assertEquals(firstNonText(new Uint8Array([...chargenLine(0), 0x00])), 74);
  assertEquals(firstNonText(lines(0, 3)), -1);
});
