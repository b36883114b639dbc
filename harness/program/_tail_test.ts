import { assertEquals, assertThrows } from "@std/assert";
import { TailBuffer } from "./_tail.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

Deno.test("TailBuffer keeps everything while it fits", () => {
  const tail = new TailBuffer(10);
  tail.push(bytes("abc"));
  tail.push(bytes("def"));
  assertEquals(text(tail.bytes()), "abcdef");
  assertEquals(tail.dropped, 0);
  assertEquals(tail.total, 6);
});

Deno.test("TailBuffer keeps the last bytes across the wrap", () => {
  const tail = new TailBuffer(5);
  for (const chunk of ["abc", "def", "gh", "i"]) tail.push(bytes(chunk));
  assertEquals(text(tail.bytes()), "efghi");
  assertEquals(tail.dropped, 4);
});

Deno.test("TailBuffer keeps the end of a chunk larger than itself", () => {
  const tail = new TailBuffer(4);
  tail.push(bytes("xy"));
  tail.push(bytes("0123456789"));
  assertEquals(text(tail.bytes()), "6789");
  assertEquals(tail.dropped, 8);
});

Deno.test("TailBuffer never grows past its capacity", () => {
  const tail = new TailBuffer(64 * 1024);
  const chunk = new Uint8Array(65536 + 7).fill(120);
  for (let i = 0; i < 100; i++) tail.push(chunk);
  assertEquals(tail.capacity, 64 * 1024);
  assertEquals(tail.bytes().length, 64 * 1024);
  assertEquals(tail.total, 100 * chunk.length);
});

Deno.test("TailBuffer with capacity 0 only counts, and rejects a negative capacity", () => {
  const tail = new TailBuffer(0);
  tail.push(bytes("abc"));
  assertEquals(tail.bytes().length, 0);
  assertEquals(tail.dropped, 3);
  assertThrows(() => new TailBuffer(-1), RangeError);
});
