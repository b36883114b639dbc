import { assertEquals, assertThrows } from "@std/assert";
import { makeRng, randomCuts, splitBytes } from "./mod.ts";

const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);

Deno.test("splitBytes() cuts at the given offsets", () => {
  assertEquals(splitBytes(data, { cuts: [1, 3] }).map((c) => [...c]), [[1], [2, 3], [4, 5, 6, 7]]);
  assertEquals(splitBytes(data, { cuts: [0, 7, 9] }).length, 1);
});

Deno.test("splitBytes() cycles chunk sizes until the data ends", () => {
  assertEquals(splitBytes(data, { sizes: [1] }).length, 7);
  assertEquals(splitBytes(data, { sizes: [2, 3] }).map((c) => c.length), [2, 3, 2]);
  assertThrows(() => splitBytes(data, { sizes: [0] }), RangeError);
});

Deno.test("randomCuts() is reproducible from the seed and stays inside the data", () => {
  const a = randomCuts(makeRng(9), 100, 5);
  assertEquals(a, randomCuts(makeRng(9), 100, 5));
  assertEquals(a.length, 5);
  for (const c of a) assertEquals(c > 0 && c < 100, true);
  assertEquals(randomCuts(makeRng(9), 3, 10), [1, 2]);
});
