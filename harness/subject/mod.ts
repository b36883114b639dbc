/**
 * Subjects: what a run tests, and the one function that runs one. A target (an address someone
 * else runs), the program under test (a server sockspec builds, launches, watches and restarts),
 * the client under test (a client program sockspec runs against servers of its own) and the
 * profile's reference servers are subjects of one kind; `conform`, `grade` and the testing entry
 * read one through the registry and hand it to {@linkcode runSubject}.
 *
 * Words: the *program under test* and the *client under test* are the user's programs; a
 * *target* is an address; sockspec's own sockets are *connections* (`TcpClient`, `UdpClient`)
 * and *peers* (the servers the client cases run).
 *
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { ALL_CASES } from "../../suites/mod.ts";
 * import { selectCases } from "../mod.ts";
 * import { PROFILES, readRunFlags, referenceSubject, RUN_FLAGS, runSubject } from "./mod.ts";
 *
 * const run = await runSubject({
 *   subject: referenceSubject(),
 *   cases: selectCases(ALL_CASES, ["tcp.basic"], []),
 *   profile: PROFILES.lp16,
 *   profileSpec: "lp16",
 *   flags: readRunFlags(parseArgs(["--seed", "3"], RUN_FLAGS)),
 * });
 * console.log(run.ok, run.report.summary.fail); // true 0
 * ```
 *
 * @module
 */
export {
  combined,
  type OpenOptions,
  type OpenSubject,
  type Subject,
  type SubjectFailure,
  type SubjectRun,
} from "./subject.ts";
export { notStartedReport, type RunPlan, type RunSinks, runSubject } from "./run.ts";
export {
  batchCases,
  checkRows,
  SUBJECT_FLAGS,
  type SubjectColumns,
  subjectFromFlags,
  subjectFromOptions,
  subjectFromRow,
  type SubjectKind,
  type SubjectOptions,
  SUBJECTS,
} from "./registry.ts";
export { targetSubject, type TargetSubjectOptions } from "./target/subject.ts";
export { programSubject } from "./program/subject.ts";
export { clientSubject } from "./client/subject.ts";
export { referenceSubject } from "./reference/subject.ts";
export { loadProfile, PROFILES } from "./profiles.ts";
export { readRunFlags, RUN_FLAGS, type RunFlags } from "./run_flags.ts";
