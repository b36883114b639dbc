import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { caseSeed, makeRng } from "./mod.ts";

Deno.test("makeRng() gives the same sequence for the same seed", () => {
  const a = makeRng(7), b = makeRng(7);
  assertEquals([a.int(0, 1000), a.int(0, 1000), a.next()], [
    b.int(0, 1000),
    b.int(0, 1000),
    b.next(),
  ]);
  assertNotEquals(makeRng(8).bytes(16), makeRng(7).bytes(16));
});

Deno.test("makeRng().int() stays within both ends", () => {
  const rng = makeRng(1);
  for (let i = 0; i < 1000; i++) {
    const v = rng.int(3, 5);
    if (v < 3 || v > 5) throw new Error(`out of range: ${v}`);
  }
});

Deno.test("caseSeed() depends on the run seed and the case id", () => {
  assertEquals(caseSeed(1, "a.b"), caseSeed(1, "a.b"));
  assertNotEquals(caseSeed(1, "a.b"), caseSeed(2, "a.b"));
  assertNotEquals(caseSeed(1, "a.b"), caseSeed(1, "a.c"));
});

Deno.test("makeRng().pick() draws every symbol of the alphabet, and only those", () => {
  const alphabet = new TextEncoder().encode("abc");
  const counts = new Map<number, number>();
  for (const b of makeRng(3).pick(30_001, alphabet)) counts.set(b, (counts.get(b) ?? 0) + 1);
  assertEquals([...counts.keys()].sort(), [...alphabet].sort());
  for (const n of counts.values()) assert(n > 9_000 && n < 11_000, `${[...counts]}`);
  const all = makeRng(4).bytes(65_536);
  assertEquals(new Set(all).size, 256);
  // Lengths that are not a multiple of four end with the same bytes as longer draws begin with.
  assertEquals(makeRng(5).bytes(7), makeRng(5).bytes(8).subarray(0, 7));
});
