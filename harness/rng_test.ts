import { assertEquals, assertNotEquals } from "@std/assert";
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
