import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../mod.ts";
import { parseRoster } from "./roster.ts";
import { parseShard, shardFromJobIndex, shardRows } from "./shard.ts";

Deno.test("parseShard() reads I/N and refuses a shard outside 1..N", () => {
  assertEquals(parseShard("1/1"), { index: 1, count: 1 });
  assertEquals(parseShard(" 3 / 4 "), { index: 3, count: 4 });
  for (const bad of ["0/2", "3/2", "1", "1/0", "-1/2", "a/b", "1/2/3", ""]) {
    assertThrows(() => parseShard(bad), UsageError, "Option --shard needs I/N", bad);
  }
});

Deno.test("shardFromJobIndex() turns a Kubernetes Indexed Job's 0-based index into shard I/N", () => {
  assertEquals(shardFromJobIndex(3, "0"), { index: 1, count: 3 });
  assertEquals(shardFromJobIndex(3, "2"), { index: 3, count: 3 });
  assertThrows(() => shardFromJobIndex(3, undefined), UsageError, "JOB_COMPLETION_INDEX");
  assertThrows(() => shardFromJobIndex(3, "3"), UsageError, "from 0 to 2");
  assertThrows(() => shardFromJobIndex(3, "x"), UsageError, "from 0 to 2");
});

Deno.test("shardRows() deals every roster row to exactly one shard, by position, whatever it holds", () => {
  // Rows of every kind, and a column grade does not read: shards never look at content.
  const roster = parseRoster(
    [
      "student,tcp,udp,profile,command",
      "ada,127.0.0.1:7000,,echo,./server {port}",
      "bob,tcp//bad,,echo,",
      "cy,,127.0.0.1:7001,echo,./server",
      "ada,127.0.0.1:7002,,echo,",
      "# a comment is not a row",
      "dee,,,echo,./server",
      "eve,127.0.0.1:7003,,lp16,",
      "fay,127.0.0.1:7004",
    ].join("\n"),
    "r.csv",
  );
  assertEquals(roster.length, 7);
  for (const count of [1, 2, 3, 7, 10]) {
    const shards = Array.from(
      { length: count },
      (_, i) => shardRows(roster, { index: i + 1, count }),
    );
    const lines = shards.flat().map((r) => r.line).sort((a, b) => a - b);
    assertEquals(lines, roster.map((r) => r.line), `${count} shards cover every row once`);
    for (const [i, shard] of shards.entries()) {
      assertEquals(
        shard.map((r) => r.line),
        roster.filter((_, k) => k % count === i).map((r) => r.line),
      );
    }
  }
});
