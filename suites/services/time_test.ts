import { assertEquals, assertStringIncludes } from "@std/assert";
import { timeBytes } from "../../fixtures/references/time.ts";
import { EPOCH_1900_OFFSET, timeProblem } from "./time.ts";
import { selfTest } from "../_self_check.ts";

const nowMs = Date.UTC(2026, 2, 4, 5, 6, 7);

function u32(value: number, littleEndian = false): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value % 2 ** 32, littleEndian);
  return out;
}

selfTest("timeProblem() accepts the current time within the tolerance", () => {
  assertEquals(timeProblem(timeBytes(nowMs), nowMs, 60), null);
  assertEquals(timeProblem(timeBytes(nowMs - 59_000), nowMs, 60), null);
});

selfTest("timeProblem() names the wrong byte order", () => {
  const seconds = nowMs / 1000 + EPOCH_1900_OFFSET;
  assertStringIncludes(timeProblem(u32(seconds, true), nowMs, 60)!, "wrong byte order");
});

selfTest("timeProblem() names a count from 1970", () => {
  assertStringIncludes(timeProblem(u32(nowMs / 1000), nowMs, 60)!, "counted from 1970:");
  assertStringIncludes(
    timeProblem(u32(nowMs / 1000, true), nowMs, 60)!,
    "counted from 1970 and in the wrong byte order",
  );
});

selfTest("timeProblem() gives the offset of a clock that is merely wrong", () => {
  const seconds = nowMs / 1000 + EPOCH_1900_OFFSET - 3600;
  assertStringIncludes(timeProblem(u32(seconds), nowMs, 60)!, "-3600 s off the local clock");
});

selfTest("timeProblem() follows the 32-bit wrap of 2036", () => {
  const after = Date.UTC(2036, 1, 7, 6, 28, 20); // 2^32 s after 1900 plus a few seconds
  assertEquals(timeProblem(timeBytes(after), after, 60), null);
});
