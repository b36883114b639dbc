import { assertEquals, assertMatch } from "@std/assert";
import { blameOrder, collateral } from "./blame.ts";
import type { Case, CaseResult } from "../mod.ts";

Deno.test("blameOrder() puts a death's suspects in one order whatever order they started in", () => {
  const a = [{ id: "tcp.framing.random-split" }, { id: "tcp.framing.byte-by-byte" }] as Case[];
  const b = [...a].reverse();
  assertEquals(blameOrder(a).map((c) => c.id), blameOrder(b).map((c) => c.id));
  assertEquals(blameOrder(a)[0].id, "tcp.framing.byte-by-byte");
});

Deno.test("collateral() makes a case that failed beside the culprit a skip that names it", () => {
  const r = {
    id: "tcp.framing.random-split",
    outcome: "fail",
    message: "The target closed the connection (EOF)",
    expectedHex: "0a",
  } as CaseResult;
  const s = collateral(r, "the target stopped accepting connections", "tcp.framing.byte-by-byte");
  assertEquals(s.outcome, "skip");
  assertEquals(s.expectedHex, undefined);
  assertMatch(
    s.message,
    /^Not judged: .*\(blamed on tcp\.framing\.byte-by-byte\)\. What the case saw: The target closed/,
  );
});
