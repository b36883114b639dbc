import { assertEquals, assertThrows } from "@std/assert";
import { syntheticReport } from "./_test_utils.ts";
import { ALL_CASES } from "../suites/mod.ts";
import { UsageError } from "../harness/mod.ts";
import {
  checkRubricIds,
  DEFAULT_RUBRIC,
  parseRubric,
  parseRubricText,
  scoreReport,
} from "./rubric.ts";

const TOML = `
description = "course rubric"
points = 2
warn = 0.25
visibility = "after_due_date"
count = ["tcp"]

[groups."tcp.basic"]
total = 10

[cases."tcp.basic.connect"]
visibility = "hidden"
`;

Deno.test("parseRubricText() reads TOML and JSON into the same rubric", () => {
  const fromToml = parseRubricText(TOML, "course.toml");
  const fromJson = parseRubricText(
    JSON.stringify({
      description: "course rubric",
      points: 2,
      warn: 0.25,
      visibility: "after_due_date",
      count: ["tcp"],
      groups: { "tcp.basic": { total: 10 } },
      cases: { "tcp.basic.connect": { visibility: "hidden" } },
    }),
    "course.json",
  );
  assertEquals(fromToml, fromJson);
  assertEquals(fromToml.groups["tcp.basic"], { total: 10 });
});

Deno.test("parseRubric() fills in defaults: 1 point, warn 0.5, visible, every case counts", () => {
  assertEquals(parseRubric({}, "x"), {
    points: 1,
    warn: 0.5,
    visibility: "visible",
    count: [],
    groups: {},
    cases: {},
  });
});

Deno.test("parseRubric() names the first wrong field in one line", () => {
  const bad: [unknown, string][] = [
    [{ pionts: 1 }, 'Rubric "r.json": pionts is not a rubric setting'],
    [{ visibility: "public" }, "visibility must be one of visible, hidden, after_due_date"],
    [{ warn: 2 }, "warn must be a number from 0 to 1, got 2"],
    [{ groups: { tcp: { points: 1, total: 5 } } }, 'groups."tcp" sets both points and total'],
    [{ cases: { "tcp.basic.connect": { total: 5 } } }, 'cases."tcp.basic.connect".total is not'],
    [{ groups: { tcp: { points: -1 } } }, 'groups."tcp".points must be a number of at least 0'],
    [{ count: "tcp" }, "count must be a list of id prefixes"],
    [[], "the file is not a table of settings"],
  ];
  for (const [value, message] of bad) {
    const e = assertThrows(() => parseRubric(value, "r.json"), UsageError);
    assertEquals(e.message.includes(message), true, `${e.message} should say ${message}`);
    assertEquals(e.message.includes("\n"), false);
  }
  assertThrows(
    () => parseRubricText("points = = 1", "r.toml"),
    UsageError,
    'Cannot parse rubric "r.toml" as TOML',
  );
  assertThrows(
    () => parseRubricText("{", "r.json"),
    UsageError,
    'Cannot parse rubric "r.json" as JSON',
  );
});

Deno.test("scoreReport() gives pass and info full points, warn its share, the rest none", () => {
  const sheet = scoreReport(syntheticReport(), DEFAULT_RUBRIC);
  assertEquals(sheet.cases.map((c) => [c.id, c.score, c.max]), [
    ["tcp.basic.connect", 2, 2],
    ["tcp.basic.single-request", 0, 2],
    ["tcp.basic.clean-close", 0, 2],
    // Skips (udp.basic.single-datagram, tcp.framing.split-header) are left out.
    ["tcp.halfclose.eof-closes", 0.5, 1],
    ["tcp.backlog.measure", 1, 1],
    ["tcp.framing.byte-by-byte", 0, 1],
  ]);
  assertEquals([sheet.score, sheet.max], [3.5, 9]);
  assertEquals(sheet.groups["tcp.basic"], { score: 2, max: 6 });
});

Deno.test("scoreReport() shares a group's total in hundredths that add up exactly", () => {
  const rubric = parseRubricText(TOML, "course.toml");
  const sheet = scoreReport(syntheticReport(), rubric);
  const basic = sheet.cases.filter((c) => c.group === "tcp.basic");
  assertEquals(basic.map((c) => c.max), [3.34, 3.33, 3.33]);
  assertEquals(sheet.groups["tcp.basic"].max, 10);
  assertEquals(sheet.cases.some((c) => c.id.startsWith("udp.")), false, "only tcp counts");
  assertEquals(sheet.cases.find((c) => c.id === "tcp.basic.connect")!.visibility, "hidden");
  assertEquals(sheet.cases.find((c) => c.id === "tcp.halfclose.eof-closes")!.score, 0.5);
  assertEquals(sheet.max, 10 + 2 + 2 + 2);
  assertEquals(sheet.score, 3.34 + 0.5 + 2);
  assertEquals(sheet.score, Math.round(sheet.cases.reduce((s, c) => s + c.score * 100, 0)) / 100);
});

Deno.test("the default rubric names only cases that exist", () => {
  checkRubricIds(DEFAULT_RUBRIC, ALL_CASES.map((c) => c.id), "default");
});

Deno.test("checkRubricIds() rejects a group or case that matches no case", () => {
  const ids = ALL_CASES.map((c) => c.id);
  assertThrows(
    () => checkRubricIds(parseRubric({ groups: { "tcp.basics": {} } }, "r"), ids, "r"),
    UsageError,
    '"tcp.basics" matches no case id',
  );
  assertThrows(
    () => checkRubricIds(parseRubric({ cases: { "tcp.basic": {} } }, "r"), ids, "r"),
    UsageError,
    'case "tcp.basic" does not exist',
  );
});
