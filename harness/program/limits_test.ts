import { assertEquals, assertThrows } from "@std/assert";
import { CommandError } from "./command_error.ts";
import { DEFAULT_LIMITS, parseLimit } from "./limits.ts";

Deno.test("DEFAULT_LIMITS suit a student's server and cannot be changed", () => {
  assertEquals(DEFAULT_LIMITS, { files: 1024, processes: 256, memory: 1024 ** 3, cpu: 60 });
  assertThrows(() => {
    (DEFAULT_LIMITS as { files: number }).files = 1;
  }, TypeError);
});

Deno.test("parseLimit() reads counts, seconds and sizes", () => {
  assertEquals(parseLimit("files=64"), { files: 64 });
  assertEquals(parseLimit(" processes = 20 "), { processes: 20 });
  assertEquals(parseLimit("cpu=30"), { cpu: 30 });
  assertEquals(parseLimit("cpu=30s"), { cpu: 30 });
  assertEquals(parseLimit("memory=512M"), { memory: 512 * 1024 ** 2 });
  assertEquals(parseLimit("memory=1G"), { memory: 1024 ** 3 });
  assertEquals(parseLimit("memory=1.5GiB"), { memory: 1.5 * 1024 ** 3 });
  assertEquals(parseLimit("memory=64k"), { memory: 64 * 1024 });
  assertEquals(parseLimit("memory=100000"), { memory: 100000 });
  assertEquals(parseLimit("FILES=8"), { files: 8 });
});

Deno.test("parseLimit() reads unlimited as Infinity", () => {
  assertEquals(parseLimit("memory=unlimited"), { memory: Infinity });
  assertEquals(parseLimit("cpu=none"), { cpu: Infinity });
});

Deno.test("parseLimit() throws CommandError for unknown names and bad values", () => {
  assertThrows(
    () => parseLimit("fds=64"),
    CommandError,
    'Unknown limit "fds" in "fds=64": expected files, processes, memory or cpu',
  );
  // A name every object has is no limit either.
  assertThrows(() => parseLimit("constructor=5"), CommandError, 'Unknown limit "constructor"');
  assertThrows(
    () => parseLimit("files"),
    CommandError,
    'Cannot parse limit "files": expected NAME=N, e.g. files=64',
  );
  assertThrows(
    () => parseLimit("files=abc"),
    CommandError,
    'Cannot parse limit "files=abc": expected a whole number of at least 1 or unlimited',
  );
  assertThrows(() => parseLimit("files=0"), CommandError, "at least 1");
  assertThrows(() => parseLimit("files=1.5"), CommandError);
  assertThrows(() => parseLimit("files=64M"), CommandError);
  assertThrows(
    () => parseLimit("memory=lots"),
    CommandError,
    'Cannot parse limit "memory=lots": expected a size such as 512M or 1G or unlimited',
  );
  assertThrows(() => parseLimit("memory=5T"), CommandError);
  assertThrows(() => parseLimit("cpu=1m"), CommandError, "whole seconds such as 30 or 30s");
});
