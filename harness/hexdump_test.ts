import { assertEquals } from "@std/assert";
import { describeBytes, hexdump, printable } from "./mod.ts";

Deno.test("hexdump() shows offset, hex and printable columns", () => {
  const lines = hexdump(new TextEncoder().encode("hello\n\x00\xff"));
  assertEquals(lines, [
    "00000000  68 65 6c 6c 6f 0a 00 c3  bf                       |hello....|",
  ]);
  assertEquals(hexdump(new Uint8Array(64), 2).at(-1), "… 32 more bytes");
  assertEquals(hexdump("6869"), [
    "00000000  68 69                                             |hi|",
  ]);
});

Deno.test("printable() escapes control bytes and cuts long input", () => {
  assertEquals(printable(new Uint8Array([0x61, 0x0a, 0x00, 0x5c])), "a\\n\\x00\\\\");
  assertEquals(printable(new Uint8Array(5).fill(0x61), 2), "aa… (+3 bytes)");
  assertEquals(describeBytes(new Uint8Array([0x61])), '1 byte "a"');
});
