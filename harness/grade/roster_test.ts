import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../mod.ts";
import { parseRoster, type RosterRow, safeDirName } from "./roster.ts";

const summary = (rows: RosterRow[]) =>
  rows.map((r) =>
    r.ok
      ? `${r.line} ok ${r.student} -> ${r.dir} ${r.targets.tcp?.url ?? "-"} ${
        r.targets.udp?.url ?? "-"
      } ${r.profile}`
      : `${r.line} bad ${r.student}: ${r.reason}`
  );

Deno.test("parseRoster() turns each line into a student or the reason it cannot be graded", () => {
  const text = [
    "\ufeffStudent, TCP ,udp,profile",
    "ada,tcp://127.0.0.1:7000,udp://127.0.0.1:7001,echo",
    "bob,127.0.0.1:7002,,",
    "",
    "# a comment",
    "cy,,[::1]:7003,line",
    "ada,tcp://127.0.0.1:7000,,echo",
    "dee,tcp//x,,echo",
    "eve,udp://127.0.0.1:1,,echo",
    "fay,,,echo",
    ",tcp://127.0.0.1:1,,echo",
    "gus,tcp://127.0.0.1:1",
    '"hal,tcp://127.0.0.1:1,,echo',
    '"../../etc/passwd",tcp://127.0.0.1:9,,echo',
  ].join("\r\n");
  const rows = summary(parseRoster(text, "r.csv"));
  const malformed = rows.splice(9, 1)[0];
  assertEquals(
    malformed.startsWith('13 bad "hal,tcp://127.0.0.1:1,,echo: Malformed CSV: '),
    true,
    malformed,
  );
  assertEquals(rows, [
    "2 ok ada -> ada tcp://127.0.0.1:7000 udp://127.0.0.1:7001 echo",
    "3 ok bob -> bob tcp://127.0.0.1:7002 - echo",
    "6 ok cy -> cy - udp://[::1]:7003 line",
    '7 bad ada: Duplicate student "ada" (first on line 2)',
    '8 bad dee: Cannot parse target "tcp//x": not a URL; expected tcp://HOST:PORT or udp://HOST:PORT',
    '9 bad eve: The tcp column holds a udp target "udp://127.0.0.1:1"',
    "10 bad fay: No target: give a tcp or a udp address",
    "11 bad ,tcp://127.0.0.1:1,,echo: No student name",
    "12 bad gus: Expected 4 fields (student,tcp,udp,profile), got 2",
    "14 ok ../../etc/passwd -> etc_passwd tcp://127.0.0.1:9 - echo",
  ]);
});

Deno.test("parseRoster() needs a header with student, tcp and udp", () => {
  assertThrows(() => parseRoster("", "r.csv"), UsageError, 'Roster "r.csv" is empty');
  assertThrows(
    () => parseRoster("ada,tcp://127.0.0.1:7,,echo\n", "r.csv"),
    UsageError,
    'Roster "r.csv" has no student, tcp, udp column',
  );
  assertThrows(() => parseRoster("student,tcp\n", "r.csv"), UsageError, "has no udp column");
});

Deno.test("safeDirName() never leaves its directory and never repeats a name", () => {
  const taken = new Set<string>(["gradebook.csv"]);
  const names = [
    "../../etc/passwd",
    "/abs/path",
    "..",
    ".",
    "",
    "C:\\Windows\\x",
    "ada",
    "ADA",
    "ada",
    "gradebook.csv",
    "con",
    "José Núñez",
    "a".repeat(200),
    "x/../../y",
  ].map((n) => safeDirName(n, taken));
  assertEquals(names.slice(0, 12), [
    "etc_passwd",
    "abs_path",
    "student",
    "student-2",
    "student-3",
    "C_Windows_x",
    "ada",
    "ADA-2",
    "ada-3",
    "gradebook.csv-2",
    "student_con",
    "José_Núñez",
  ]);
  assertEquals(names[12].length, 64);
  for (const n of names) {
    assertEquals(
      /^[^./\\]/.test(n) && !n.includes("/") && !n.includes("\\") && n !== "..",
      true,
      n,
    );
  }
  assertEquals(new Set(names.map((n) => n.toLowerCase())).size, names.length);
});
