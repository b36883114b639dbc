import { assertEquals } from "@std/assert";
import { catchStrays } from "./stray.ts";

Deno.test("catchStrays() reports a rejection nobody handled instead of ending the process", async () => {
  const strays: string[] = [];
  const result = await catchStrays(async () => {
    Promise.reject(new Error("left behind"));
    await new Promise((r) => setTimeout(r, 0));
    return 42;
  }, (m) => strays.push(m));
  assertEquals([result, strays], [42, ["left behind"]]);
});
