/**
 * What `grade` says about a subject that sockspec launched: the status of a row whose program
 * could not be tested (`build failed: …`, `cannot run: …`, `did not start: …`), and the
 * `program.log` in the student's folder (build output, stdout and stderr, how it ended, restarts).
 *
 * @module
 */
import { programText } from "../../reports/mod.ts";
import { type ProgramReport, writeFileAtomicSync } from "../mod.ts";
import { join } from "../subject/output.ts";
import type { SubjectFailure } from "../subject/subject.ts";

/** The file in a student's folder with what their program did, as text. */
export const PROGRAM_LOG = "program.log";

/**
 * The gradebook status of a row whose subject could not be tested.
 *
 * @example
 * ```ts
 * import { failureStatus } from "./program.ts";
 * failureStatus({
 *   ok: false,
 *   kind: "start",
 *   message: "The program did not start: it exited with status 1",
 *   details: [],
 *   program: { command: "./server {port}", limits: {} as never, starts: [], restarts: 0, deaths: [] },
 * }); // "did not start: it exited with status 1"
 * ```
 */
export function failureStatus(failure: SubjectFailure): string {
  switch (failure.kind) {
    case "build":
      return `build failed: ${failure.program.build?.description ?? failure.message}`;
    case "command":
      return `cannot run: ${failure.message}`;
    case "start":
      return `did not start: ${failure.message.replace(/^The program did not start: /, "")}`;
  }
}

/**
 * Writes `program.log` into a student's folder.
 *
 * @example
 * ```ts ignore
 * writeProgramLog("grades/ada", report.program!);
 * ```
 */
export function writeProgramLog(dir: string, program: ProgramReport): void {
  writeFileAtomicSync(join(dir, PROGRAM_LOG), programText(program) + "\n");
}
