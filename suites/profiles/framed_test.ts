import { assertEquals, assertThrows } from "@std/assert";
import { framingCuts, line, lp16, lp32, LP32_MAX_PAYLOAD } from "./framed.ts";
import { selfTest } from "../_self_check.ts";

const enc = (s: string) => new TextEncoder().encode(s);

selfTest("line.encode() ends the payload with \\n and refuses one inside", () => {
  assertEquals(line.encode!(enc("hi")), enc("hi\n"));
  assertEquals(line.expectedReply!(enc("hi\n")), enc("hi\n"));
  assertThrows(() => line.encode!(enc("a\nb")), RangeError);
});

selfTest("lp16.encode() and lp32.encode() prefix a big-endian length", () => {
  const payload = new Uint8Array(0x0102);
  assertEquals([...lp16.encode!(payload).subarray(0, 2)], [0x01, 0x02]);
  assertEquals([...lp32.encode!(payload).subarray(0, 4)], [0, 0, 0x01, 0x02]);
  assertEquals(lp16.encode!(payload).length, 2 + 0x0102);
  assertThrows(() => lp16.encode!(new Uint8Array(65536)), RangeError);
  assertThrows(() => lp32.encode!(new Uint8Array(LP32_MAX_PAYLOAD + 1)), RangeError);
});

selfTest("framingCuts() cuts inside length headers and delimiters, never for a stream", () => {
  assertEquals(framingCuts(lp16.framing, new Uint8Array(10)), [1, 2]);
  assertEquals(framingCuts(lp32.framing, new Uint8Array(10)), [1, 2, 3, 4]);
  assertEquals(framingCuts(lp32.framing, new Uint8Array(3)), [1, 2]);
  assertEquals(framingCuts(line.framing, enc("abc\n")), [3]);
  assertEquals(
    framingCuts({ kind: "delimiter", delimiter: enc("\r\n") }, enc("abc\r\n")),
    [3, 4],
  );
  assertEquals(framingCuts({ kind: "stream" }, enc("abc")), []);
});
