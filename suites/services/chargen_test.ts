import { assertEquals } from "@std/assert";
import { chargenLine } from "../../fixtures/chargen.ts";
import { checkChargenStream, isChargenRun } from "./chargen.ts";
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
