import { assertEquals } from "@std/assert";
import type { Case } from "./case.ts";
import { schedule, stepOf } from "./schedule.ts";

const made = (id: string, extra: Partial<Case> = {}) => ({ id, ...extra }) as Case;

Deno.test("schedule() orders the steps measure, first, shared, hazard, load and keeps listing order in each", () => {
  const cases = [
    made("l", { exclusive: true }),
    made("h1", { alone: "hazard" }),
    made("s1"),
    made("f1", { alone: "first" }),
    made("h2", { alone: "hazard" }),
    made("m1", { alone: "measure", exclusive: true }),
    made("s2"),
  ];
  const steps = schedule(cases.map((c) => ({ c })));
  assertEquals(
    steps.map((s) => [s.name, s.together, s.items.map(({ c }) => c.id)]),
    [
      ["measure", false, ["m1"]],
      ["first", false, ["f1"]],
      ["shared", true, ["s1", "s2"]],
      ["hazard", false, ["h1", "h2"]],
      ["load", false, ["l"]],
    ],
  );
});

Deno.test("stepOf() puts a case marked alone in its step, whatever else it says", () => {
  assertEquals(stepOf(made("x", { alone: "measure", exclusive: true })), "measure");
  assertEquals(stepOf(made("y", { exclusive: true })), "load");
  assertEquals(stepOf(made("z")), "shared");
});

Deno.test("schedule() puts the load cases marked last after the other load cases", () => {
  const cases = [
    made("l1", { exclusive: true }),
    made("l2", { exclusive: "last" }),
    made("l3", { exclusive: true }),
  ];
  const [load] = schedule(cases.map((c) => ({ c })));
  assertEquals(load.items.map(({ c }) => c.id), ["l1", "l3", "l2"]);
});
