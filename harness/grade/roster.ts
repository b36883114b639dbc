/**
 * Rosters for `grade`: a CSV file with a header row `student,tcp,udp,profile`, one student per
 * line. Every line becomes a row: a student to grade, or the reason it cannot be graded. Instead
 * of targets a row may give the student's program: a `command` column (`./server {port}`), with
 * optional `dir` (where it builds and runs, relative to the roster's folder) and `build` (`make`)
 * columns; then `tcp` and `udp` may be left out of the header. A `client` column (with an optional
 * `transport`) gives a client program to test with the client cases: `./client {host} {port}`.
 *
 * @module
 */
import { parse } from "@std/csv";
import {
  type ClientUnderTest,
  errorText,
  parseTarget,
  type Targets,
  type Transport,
  UsageError,
} from "../mod.ts";
import { BATCH_FILES } from "./batch_files.ts";
import { parseClient } from "../subject/client/client.ts";

/** A roster line that can be graded. */
export interface RosterEntry {
  ok: true;
  /** The line of the roster file, from 1. */
  line: number;
  /** The name as the roster gives it. */
  student: string;
  /** A directory name made from the name: safe in a path and unique in the roster. */
  dir: string;
  /** At least one of them, unless the row gives a program (`exec`): then none. */
  targets: Targets;
  /** The student's program, launched by sockspec, when the row gives a `command`. */
  exec?: RosterProgram;
  /** The student's client program, tested by the client cases, when the row gives a `client`. */
  client?: ClientUnderTest;
  /** A built-in profile name or a profile module path (default `echo`). */
  profile: string;
}

/** A student's program, from the `command`, `dir` and `build` columns. */
export interface RosterProgram {
  /** The command line with its placeholders, e.g. `./server {port}`. */
  command: string;
  /** Where it builds and runs: the `dir` column, resolved against the roster's folder. */
  cwd?: string;
  /** The build command, e.g. `make`. */
  build?: string;
}

/** A roster line that cannot be graded, and why. */
export interface RosterProblem {
  ok: false;
  line: number;
  /** The name, or what the line held when it has none. */
  student: string;
  reason: string;
}

/** One line of a roster. */
export type RosterRow = RosterEntry | RosterProblem;

const REQUIRED = ["student", "tcp", "udp"] as const;

/**
 * Parses a roster. Each line is parsed on its own, so a malformed line costs that line only;
 * blank lines and lines starting with `#` are left out.
 *
 * @param text The CSV text.
 * @param source The file name, for messages.
 * @throws {UsageError} when the header row lacks `student`, `tcp` or `udp`.
 * @example
 * ```ts
 * import { parseRoster } from "./roster.ts";
 * const rows = parseRoster("student,tcp,udp,profile\nada,tcp://127.0.0.1:7000,,echo\n", "r.csv");
 * rows[0].ok; // true
 * ```
 */
export function parseRoster(text: string, source: string): RosterRow[] {
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== "" && !l.startsWith("#"));
  if (headerAt < 0) {
    throw new UsageError(
      `Roster "${source}" is empty: expected a header row student,tcp,udp,profile`,
    );
  }
  let header: string[];
  try {
    header = (parse(lines[headerAt]) as string[][])[0].map((h) => h.trim().toLowerCase());
  } catch (e) {
    throw new UsageError(`Cannot parse the header row of roster "${source}": ${errorText(e)}`);
  }
  const programs = header.includes("command");
  const clients = header.includes("client");
  const missing = REQUIRED.filter((c) =>
    !header.includes(c) && !((programs || clients) && c !== "student")
  );
  if (missing.length > 0) {
    throw new UsageError(
      `Roster "${source}" has no ${
        missing.join(", ")
      } column: its first row must be the header student,tcp,udp,profile`,
    );
  }
  const col = (name: string) => header.indexOf(name);
  const rows: RosterRow[] = [];
  const seen = new Map<string, number>();
  const taken = new Set(RESERVED);
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === "" || raw.startsWith("#")) continue;
    const line = i + 1;
    const problem = (student: string, reason: string): RosterProblem => ({
      ok: false,
      line,
      student,
      reason,
    });
    let cells: string[];
    try {
      cells = (parse(raw) as string[][])[0].map((c) => c.trim());
    } catch (e) {
      rows.push(problem(raw.slice(0, 60), `Malformed CSV: ${errorText(e)}`));
      continue;
    }
    const student = cells[col("student")] ?? "";
    if (cells.length !== header.length) {
      rows.push(
        problem(
          student || raw.slice(0, 60),
          `Expected ${header.length} fields (${header.join(",")}), got ${cells.length}`,
        ),
      );
      continue;
    }
    if (student === "") {
      rows.push(problem(raw.slice(0, 60), "No student name"));
      continue;
    }
    const first = seen.get(student);
    if (first !== undefined) {
      rows.push(problem(student, `Duplicate student "${student}" (first on line ${first})`));
      continue;
    }
    seen.set(student, line);
    const targets: Targets = {};
    let bad = "";
    const command = programs ? cells[col("command")] : "";
    const client = clients ? cells[col("client")] : "";
    for (const transport of ["tcp", "udp"] as const) {
      const cell = cells[col(transport)] ?? "";
      if (cell === "") continue;
      if (command !== "") {
        bad = `Give a command or targets, not both (the ${transport} column holds "${cell}")`;
        break;
      }
      try {
        targets[transport] = rosterTarget(cell, transport);
      } catch (e) {
        bad = errorText(e);
        break;
      }
    }
    if (bad) {
      rows.push(problem(student, bad));
      continue;
    }
    if (!targets.tcp && !targets.udp && command === "" && client === "") {
      const or = `${programs ? ", or a command" : ""}${clients ? ", or a client" : ""}`;
      rows.push(problem(student, `No target: give a tcp or a udp address${or}`));
      continue;
    }
    const profile = col("profile") >= 0 && cells[col("profile")] ? cells[col("profile")] : "echo";
    const entry: RosterEntry = {
      ok: true,
      line,
      student,
      dir: safeDirName(student, taken),
      targets,
      profile,
    };
    if (command !== "") entry.exec = rosterProgram(command, cells, col, source);
    if (client !== "") {
      try {
        entry.client = parseClient(client, cells[col("transport")] || undefined);
      } catch (e) {
        rows.push(problem(student, errorText(e)));
        continue;
      }
    }
    rows.push(entry);
  }
  return rows;
}

/** The program of a row: its command, its folder resolved against the roster's, its build. */
function rosterProgram(
  command: string,
  cells: string[],
  col: (name: string) => number,
  source: string,
): RosterProgram {
  const program: RosterProgram = { command };
  const dir = col("dir") >= 0 ? cells[col("dir")] : "";
  if (dir !== "") {
    const base = source.includes("/") ? source.slice(0, source.lastIndexOf("/") + 1) : "";
    program.cwd = dir.startsWith("/") ? dir : `${base}${dir}`;
  }
  const build = col("build") >= 0 ? cells[col("build")] : "";
  if (build !== "") program.build = build;
  return program;
}

/** Parses a roster cell: `tcp://HOST:PORT`, or `HOST:PORT` (no `/`) in the column's transport. */
function rosterTarget(cell: string, transport: Transport) {
  const t = parseTarget(cell.includes("/") ? cell : `${transport}://${cell}`);
  if (t.transport !== transport) {
    throw new UsageError(`The ${transport} column holds a ${t.transport} target "${cell}"`);
  }
  return t;
}

/** Names a student directory may not take: the batch's own files. */
const RESERVED: readonly string[] = Object.values(BATCH_FILES);

/**
 * Makes a directory name from a student's name: letters, digits, `.`, `_` and `-` only, no
 * leading dot, at most 64 characters, never `..` or an absolute path; a name already in `taken`
 * (compared without case) gets `-2`, `-3`, …. Adds the result to `taken`.
 *
 * @example
 * ```ts
 * import { safeDirName } from "./roster.ts";
 * safeDirName("../../etc/passwd", new Set()); // "etc_passwd"
 * ```
 */
export function safeDirName(student: string, taken: Set<string>): string {
  let base = student.normalize("NFKC")
    .replace(/[^\p{L}\p{N}._-]+/gu, "_")
    .replace(/^[._-]+|[._-]+$/g, "")
    .replace(/_+/g, "_")
    .slice(0, 64);
  if (base === "") base = "student";
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(base)) base = `student_${base}`;
  let name = base;
  for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}-${k}`;
  taken.add(name.toLowerCase());
  return name;
}
