import { assertEquals, assertThrows } from "@std/assert";
import { describeLimit, resolveLimits } from "./_limits.ts";

Deno.test("resolveLimits() replaces some defaults and checks the values", () => {
  assertEquals(resolveLimits({ files: 64, cpu: Infinity }), {
    files: 64,
    processes: 256,
    memory: 1024 ** 3,
    cpu: Infinity,
  });
  assertThrows(
    () => resolveLimits({ processes: 0 }),
    RangeError,
    "Cannot use processes limit 0: expected a whole number of at least 1",
  );
  assertThrows(() => resolveLimits({ memory: 1.5 }), RangeError);
  assertThrows(() => resolveLimits({ cpu: NaN }), RangeError);
});

Deno.test("describeLimit() names a limit for messages", () => {
  assertEquals(describeLimit("files", 64), "64 open files");
  assertEquals(describeLimit("processes", 20), "20 processes and threads");
  assertEquals(describeLimit("memory", 1024 ** 3), "1 GiB of resident memory");
  assertEquals(describeLimit("memory", 1000), "1000 bytes of resident memory");
  assertEquals(describeLimit("cpu", 60), "60 s of CPU time");
  assertEquals(describeLimit("cpu", Infinity), "unlimited of CPU time");
});
