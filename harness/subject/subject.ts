/**
 * What a run tests, as one type: an address, a launched program, a client program, or the
 * profile's own reference servers. A {@linkcode Subject} gives the run its cases, its targets and
 * runner options (hooks before and after cases, the program, the client), its reproduce
 * arguments, its section of the report and its close. Commands read one from flags, the testing
 * entry from its options, `grade` from a roster row (see `registry.ts`), and hand it to
 * `runSubject()`; none of them branches on what it is.
 *
 * @module
 */
import type {
  Case,
  ClientUnderTest,
  Profile,
  ProgramReport,
  RunOptions,
  RunReport,
  Targets,
} from "../mod.ts";
import type { RunFlags } from "./run_flags.ts";

/** Why a subject could not be tested, before any case ran. */
export interface SubjectFailure {
  ok: false;
  /**
   * `command`: it cannot be run (not found, not executable, a placeholder without a value);
   * `build`: its build failed; `start`: it exited before it served, bound another port, or never
   * bound within the ready time-out.
   */
  kind: "command" | "build" | "start";
  /** One line naming the problem. */
  message: string;
  /** The lines that back it: the end of the build's output, or of the program's stderr. */
  details: string[];
  /** What ran, for the report's section. */
  program: ProgramReport;
}

/** A subject that is ready for cases: what it serves, how the runner watches it, its close. */
export interface OpenSubject {
  ok: true;
  /** The targets now (a program that restarts serves on fresh ports). */
  targets(): Targets;
  /** The runner options with this subject's targets, hooks, program or client added. */
  options(base: RunOptions): RunOptions;
  /** Stops what the subject started and gives its section of the report, if it has one. */
  close(): Promise<ProgramReport | undefined>;
  /** The subject's last word on the finished report (a missing target's cases count). */
  finish?(report: RunReport, cases: readonly Case[]): RunReport;
  /** Problems found while opening that did not stop the run (a target that did not answer). */
  notes?: readonly string[];
}

/** What a run tests. */
export interface Subject {
  /** One word for it: `target`, `program`, `client`, `reference`. */
  readonly kind: string;
  /** The cases it is tested with (before `--only` and `--skip`). */
  readonly cases: readonly Case[];
  /** What `--list` prints for it, when that differs from every case. */
  readonly list?: readonly Case[];
  /** Cases run at once unless `--concurrency` says otherwise. */
  readonly concurrency?: number;
  /** The targets the run will have, before it opens (ports may be placeholders). */
  declared(profile: Profile): Targets;
  /** Whether the `process.*` cases (a program sockspec launched) apply. */
  readonly launched?: boolean;
  /** The client under test the runner gets, if this subject is one (the client cases apply). */
  readonly client?: ClientUnderTest;
  /** Throws a `UsageError` when it cannot be tested with `profile` (checked before any case). */
  check?(profile: Profile): void;
  /** The command that reruns case `id` against this subject with these flags. */
  reproduce(flags: RunFlags, profileSpec: string, id: string): string;
  /** Starts what must run (builds and launches a program, serves a reference), or says why not. */
  open(profile: Profile, options?: OpenOptions): Promise<OpenSubject | SubjectFailure>;
}

/** How {@linkcode Subject.open} goes. */
export interface OpenOptions {
  /** Prints a line as it goes (deaths, reruns, restarts). */
  note?: (line: string) => void;
  /** How long a check of the subject (a connect) may wait, in milliseconds. */
  timeoutMs?: number;
}

/** A finished run of a subject. */
export type SubjectRun =
  | { ok: true; report: RunReport; stopped?: unknown; notes: readonly string[] }
  | { ok: false; report: RunReport; failure: SubjectFailure };

/**
 * Several subjects tested in one run (a roster row with targets and a client): their cases in
 * order, their options merged, each case reproduced by the subject whose cases hold it.
 *
 * @example
 * ```ts
 * import { parseTargets } from "../mod.ts";
 * import { combined } from "./subject.ts";
 * import { targetSubject } from "./target/subject.ts";
 * import { clientSubject } from "./client/subject.ts";
 * const both = combined([
 *   targetSubject(parseTargets(["tcp://127.0.0.1:7"])),
 *   clientSubject({ command: "./client {host} {port}" }),
 * ]);
 * both.kind; // "target+client"
 * ```
 */
export function combined(subjects: readonly Subject[]): Subject {
  if (subjects.length === 1) return subjects[0];
  const owner = (id: string) => subjects.find((s) => s.cases.some((c) => c.id === id));
  return {
    kind: subjects.map((s) => s.kind).join("+"),
    cases: [...new Set(subjects.flatMap((s) => s.cases))],
    launched: subjects.some((s) => s.launched),
    declared: (profile) => Object.assign({}, ...subjects.map((s) => s.declared(profile))),
    check(profile) {
      for (const s of subjects) s.check?.(profile);
    },
    reproduce: (flags, spec, id) => (owner(id) ?? subjects[0]).reproduce(flags, spec, id),
    async open(profile, options) {
      const opened: OpenSubject[] = [];
      for (const s of subjects) {
        const o = await s.open(profile, options);
        if (!o.ok) {
          for (const done of opened) await done.close();
          return o;
        }
        opened.push(o);
      }
      return {
        ok: true,
        targets: () => Object.assign({}, ...opened.map((o) => o.targets())),
        options: (base) => opened.reduce((run, o) => o.options(run), base),
        finish: (report, cases) => opened.reduce((r, o) => o.finish?.(r, cases) ?? r, report),
        notes: opened.flatMap((o) => o.notes ?? []),
        async close() {
          let section: ProgramReport | undefined;
          for (const o of opened) section ??= await o.close();
          return section;
        },
      };
    },
  };
}
