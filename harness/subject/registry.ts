/**
 * Every kind of subject sockspec can test, and where each is read from: command-line flags
 * (`conform`), the testing entry's options (`deno test`) and a roster row (`grade`).
 *
 * To add a subject: write its folder beside `target/`, `program/` and `client/` with a
 * `subject.ts` that returns a {@linkcode Subject}, give it a {@linkcode SubjectKind} (its flags,
 * how to read it, its cases), and add one line to {@linkcode SUBJECTS}. Commands need no change.
 *
 * @module
 */
import { CLIENT_CASES } from "../../suites/client/mod.ts";
import { ALL_CASES } from "../../suites/mod.ts";
import { type Case, type ClientUnderTest, parseTargets, type Targets, UsageError } from "../mod.ts";
import { canReadProc } from "../program/mod.ts";
import {
  checkCanWatchClients,
  CLIENT_FLAGS,
  clientFlagLines,
  parseClient,
  readClientFlags,
} from "./client/client.ts";
import { clientSubject } from "./client/subject.ts";
import { EXEC_FLAGS, execFlagLines, execSpec, readExecFlags, readLimits } from "./program/spec.ts";
import { programSubject } from "./program/subject.ts";
import { optionLine } from "./run_flags.ts";
import { combined, type Subject } from "./subject.ts";
import { targetSubject } from "./target/subject.ts";

/** The columns of a roster row that name what it tests. */
export interface SubjectColumns {
  targets: Targets;
  /** The student's program: the `command`, `dir` and `build` columns. */
  exec?: { command: string; cwd?: string; build?: string };
  client?: ClientUnderTest;
}

/** What the testing entry's options give (`conformanceTests()`). */
export interface SubjectOptions {
  target?: string | readonly string[];
  exec?: string | {
    command: string;
    cwd?: string;
    build?: string;
    readyTimeoutMs?: number;
    limits?: readonly string[];
  };
  client?: string;
  transport?: string;
}

/** One kind of subject: its flags, how it is read, its cases. */
export interface SubjectKind {
  name: string;
  /** Every case it may be tested with. */
  cases: readonly Case[];
  /** Its flags, for `parseArgs`. */
  flags: { string: readonly string[]; collect: readonly string[] };
  /** Its lines of a usage text. */
  usage(): string[];
  /** The message when it is given with a kind listed before it. */
  notWith?: string;
  /** For the first kind, the default: the message when the flags give no subject at all. */
  missing?: string;
  /** Reads it from `parseArgs` output; undefined when its flags are absent. */
  fromFlags(raw: Record<string, unknown>): Subject | undefined;
  /** Whether a roster row gives it. */
  inRow(row: SubjectColumns): boolean;
  /** Reads it from a roster row that gives it. */
  fromRow(row: SubjectColumns): Subject;
  /** Throws when a batch with rows of this kind cannot run here (missing permission). */
  checkRows?(): void;
  /** Reads it from the testing entry's options; undefined when they do not give it. */
  fromOptions(options: SubjectOptions): Subject | undefined;
}

/** A server at an address: `--target`, the `tcp`/`udp` columns, `target`. */
const TARGET: SubjectKind = {
  name: "target",
  cases: ALL_CASES,
  missing: "No target: give --target tcp://HOST:PORT or udp://HOST:PORT",
  flags: { string: ["target"], collect: ["target"] },
  usage: () => [
    optionLine(
      "--target URL",
      "tcp://HOST:PORT or udp://HOST:PORT (IPv6: tcp://[::1]:7); at most one of each",
    ),
  ],
  fromFlags(raw) {
    const given = raw.target as string[] | undefined ?? [];
    return given.length > 0 ? targetSubject(parseTargets(given)) : undefined;
  },
  inRow: (row) => row.targets.tcp !== undefined || row.targets.udp !== undefined,
  fromRow: (row) => targetSubject(row.targets, { preflight: true }),
  fromOptions(options) {
    const texts = typeof options.target === "string"
      ? options.target.trim().split(/\s+/).filter(Boolean)
      : [...(options.target ?? [])];
    return texts.length > 0 ? targetSubject(parseTargets(texts)) : undefined;
  },
};

/** A program sockspec launches: `--exec`, the `command` column, `exec`. */
const PROGRAM: SubjectKind = {
  name: "program",
  cases: ALL_CASES,
  flags: { string: EXEC_FLAGS.string, collect: EXEC_FLAGS.collect },
  usage: execFlagLines,
  notWith: "Give --exec or --target, not both: with --exec the targets follow from the " +
    "command's placeholders ({port}, {tcp}, {udp})",
  fromFlags(raw) {
    const spec = readExecFlags(raw);
    return spec && programSubject(spec);
  },
  inRow: (row) => row.exec !== undefined,
  fromRow: (row) => programSubject(execSpec({ ...row.exec! })),
  checkRows() {
    if (canReadProc()) return;
    throw new UsageError(
      "The roster's command column needs --allow-all: sockspec reads /proc to watch each " +
        "program (run deno task grade:exec, or deno run -A harness/cli/grade.ts)",
    );
  },
  fromOptions(options) {
    if (options.exec === undefined) return undefined;
    const e = typeof options.exec === "string" ? { command: options.exec } : options.exec;
    return programSubject(execSpec({
      command: e.command,
      cwd: e.cwd,
      build: e.build,
      readyTimeoutMs: e.readyTimeoutMs,
      limits: readLimits(e.limits ?? []),
    }));
  },
};

/** A client program: `--client`, the `client` column, `client`. */
const CLIENT: SubjectKind = {
  name: "client",
  cases: CLIENT_CASES,
  flags: { string: CLIENT_FLAGS.string, collect: [] },
  usage: clientFlagLines,
  notWith: "Give --client alone: it tests a client program, not --target or --exec",
  fromFlags(raw) {
    const client = readClientFlags(raw);
    return client && clientSubject(client);
  },
  inRow: (row) => row.client !== undefined,
  fromRow: (row) => clientSubject(row.client!),
  checkRows: () => checkCanWatchClients("The roster's client column", "grade"),
  fromOptions: (options) =>
    options.client === undefined
      ? undefined
      : clientSubject(parseClient(options.client, options.transport)),
};

/** Every kind of subject, in the order conflicts are named and cases are listed. */
export const SUBJECTS: readonly SubjectKind[] = [TARGET, PROGRAM, CLIENT];

/** Every subject flag, for `parseArgs`. */
export const SUBJECT_FLAGS: { string: string[]; collect: string[] } = {
  string: SUBJECTS.flatMap((k) => [...k.flags.string]),
  collect: SUBJECTS.flatMap((k) => [...k.flags.collect]),
};

/**
 * The subject the flags give. Every kind reads its own flags (so a companion flag without its
 * subject is an error), then at most one kind may be given; none is an error when `required`
 * (naming the first kind, the default), else undefined.
 *
 * @throws {UsageError} for a malformed subject flag, two subjects, or a required one missing.
 * @example
 * ```ts
 * import { subjectFromFlags } from "./registry.ts";
 * subjectFromFlags({ target: ["tcp://127.0.0.1:7"] })?.kind; // "target"
 * ```
 */
export function subjectFromFlags(
  raw: Record<string, unknown>,
  required = false,
  kinds: readonly SubjectKind[] = SUBJECTS,
): Subject | undefined {
  const read = [...kinds].reverse().map((k) => ({ k, s: k.fromFlags(raw) })).reverse();
  const given = read.filter((r) => r.s !== undefined);
  if (given.length > 1) {
    throw new UsageError(given[1].k.notWith ?? `Give one of ${kinds.map((k) => k.name)}`);
  }
  if (given.length === 0 && required) throw new UsageError(kinds[0].missing ?? "Nothing to test");
  return given[0]?.s;
}

/**
 * The subject a roster row gives (several, tested in one run, when it gives targets and a client).
 *
 * @throws {UsageError} when the row's program cannot be run as given.
 * @example
 * ```ts
 * import { parseTargets } from "../mod.ts";
 * import { subjectFromRow } from "./registry.ts";
 * subjectFromRow({ targets: parseTargets(["tcp://127.0.0.1:7"]) }).kind; // "target"
 * ```
 */
export function subjectFromRow(
  row: SubjectColumns,
  kinds: readonly SubjectKind[] = SUBJECTS,
): Subject {
  return combined(kinds.filter((k) => k.inRow(row)).map((k) => k.fromRow(row)));
}

/**
 * The cases a batch of rows grades (every kind some row gives, in registry order), after checking
 * each of those kinds can run here.
 *
 * @example
 * ```ts
 * import { parseTargets } from "../mod.ts";
 * import { batchCases } from "./registry.ts";
 * batchCases([{ targets: parseTargets(["tcp://127.0.0.1:7"]) }]).length > 0; // true
 * ```
 */
export function batchCases(
  rows: readonly SubjectColumns[],
  kinds: readonly SubjectKind[] = SUBJECTS,
): readonly Case[] {
  const present = kinds.filter((k) => rows.some((r) => k.inRow(r)));
  return present.length === 0 ? kinds[0].cases : [...new Set(present.flatMap((k) => k.cases))];
}

/**
 * Throws when a batch has rows of a kind that cannot run here (missing permission).
 *
 * @example
 * ```ts ignore
 * checkRows(entries); // throws for a command column without --allow-all
 * ```
 */
export function checkRows(
  rows: readonly SubjectColumns[],
  kinds: readonly SubjectKind[] = SUBJECTS,
): void {
  for (const k of kinds) if (rows.some((r) => k.inRow(r))) k.checkRows?.();
}

/**
 * The subject the testing entry's options give, or undefined (then the reference servers).
 *
 * @throws {UsageError} for a malformed one, or more than one.
 * @example
 * ```ts
 * import { subjectFromOptions } from "./registry.ts";
 * subjectFromOptions({ exec: "./server {port}" })?.kind; // "program"
 * ```
 */
export function subjectFromOptions(
  options: SubjectOptions,
  kinds: readonly SubjectKind[] = SUBJECTS,
): Subject | undefined {
  const given = kinds.map((k) => k.fromOptions(options)).filter((s) => s !== undefined);
  if (given.length > 1) throw new UsageError("Give a target or exec, not both");
  return given[0];
}
