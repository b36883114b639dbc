/**
 * A run in progress as a report: what finished, the rest `error` (unfinished), for live reports and
 * for a run that stopped part-way; and atomic file writes.
 *
 * @module
 */
import type { Case } from "./case.ts";
import { type CaseResult, type RunReport, summarize } from "./result.ts";
import { targetList, type Targets } from "./target.ts";
import { TOOL } from "./version.ts";

/** What a report says about a run besides its cases. */
export interface RunMeta {
  targets: Targets;
  profile: string;
  seed: number;
  strict: boolean;
  /** Builds the command that reruns one case. */
  reproduce?: (id: string) => string;
}

/** The message of a case a run did not finish. */
export const UNFINISHED = "The run ended before this case finished";

/**
 * The results of a run so far, as a whole report: every case of the run in order, the ones not
 * finished yet as `error` ("The run ended before this case finished"). Writers that must leave a
 * file behind even when a run dies part-way (Gradescope) render this as results arrive.
 *
 * @example
 * ```ts
 * import { PartialRun } from "./partial.ts";
 * import type { Case } from "./case.ts";
 * const cases = [{ id: "a.one", title: "One" }, { id: "a.two", title: "Two" }] as Case[];
 * const live = new PartialRun(cases, { targets: {}, profile: "echo", seed: 1, strict: false });
 * live.add({ ...live.report().cases[0], outcome: "pass", message: "" });
 * console.log(live.report().summary); // 1 pass, 1 error ("The run ended before this case finished")
 * ```
 */
export class PartialRun {
  #cases: readonly Case[];
  #meta: RunMeta;
  #done = new Map<string, CaseResult>();
  #started = performance.now();
  #startedAt = new Date().toISOString();

  /**
   * @param cases The cases of the run, in order.
   * @param meta Targets, profile, seed, strictness.
   */
  constructor(cases: readonly Case[], meta: RunMeta) {
    this.#cases = cases;
    this.#meta = meta;
  }

  /** Records a finished case. */
  add(result: CaseResult): void {
    this.#done.set(result.id, result);
  }

  /** The report so far. */
  report(): RunReport {
    const cases = this.#cases.map((c): CaseResult =>
      this.#done.get(c.id) ?? {
        id: c.id,
        title: c.title,
        requirement: c.requirement,
        outcome: "error",
        message: UNFINISHED,
        durationMs: 0,
        transcript: [],
        reproduce: this.#meta.reproduce?.(c.id) ?? "",
      }
    );
    const m = this.#meta;
    return {
      tool: { ...TOOL },
      targets: targetList(m.targets),
      profile: m.profile,
      seed: m.seed,
      strict: m.strict,
      startedAt: this.#startedAt,
      durationMs: Math.round(performance.now() - this.#started),
      summary: summarize(cases),
      cases,
    };
  }
}

/**
 * Writes a file so a reader never sees half of it: to a temporary file beside it, then renamed.
 */
export function writeFileAtomicSync(path: string, text: string): void {
  const tmp = `${path}.${Deno.pid}.tmp`;
  Deno.writeTextFileSync(tmp, text);
  Deno.renameSync(tmp, path);
}
