/**
 * What the benchmarks print of a run's JSON report: its outcome counts, its slowest case, and the
 * time each step of the run's schedule took (see `harness/schedule.ts`).
 *
 * @module
 */
import { OUTCOMES, type RunReport } from "../mod.ts";
import { type Step, STEP_ORDER, stepOf } from "../schedule.ts";
import { ALL_CASES } from "../../suites/mod.ts";

/** A run's outcome counts and slowest case, as a benchmark's table shows them. */
export interface ReportSummary {
  /** `"29 pass, 18 skip"`, or `"no report"` when the run left none. */
  counts: string;
  /** `"tcp.robustness.mid-message 0.5 s"`, or `""`. */
  slowest: string;
  /** The slowest case's duration, or 0. */
  longestMs: number;
  /**
   * What each step took, as its schedule runs it: the sum of its cases' durations for a step run
   * one case at a time, the longest case's for the shared step (`"first 0.4, shared 0.3, hazard
   * 2.4, load 1.3"`), or `""`. Cases this checkout does not know are left out.
   */
  steps: string;
  /** The sum of the step times in {@linkcode steps}, in milliseconds. */
  stepsMs: number;
}

/**
 * Reads the JSON report at `path`; a run that crashed or was stopped left none.
 *
 * @example
 * ```ts
 * import { reportSummary } from "./_report_summary.ts";
 * const s = await reportSummary("/nonexistent.json");
 * console.log(s.counts); // "no report"
 * ```
 */
export async function reportSummary(path: string): Promise<ReportSummary> {
  try {
    const report: RunReport = JSON.parse(await Deno.readTextFile(path));
    const counts = OUTCOMES.filter((o) => report.summary[o] > 0)
      .map((o) => `${report.summary[o]} ${o}`).join(", ");
    const slow = report.cases.reduce((a, b) => b.durationMs > a.durationMs ? b : a);
    return {
      counts,
      slowest: `${slow.id} ${(slow.durationMs / 1000).toFixed(1)} s`,
      longestMs: slow.durationMs,
      ...stepTimes(report),
    };
  } catch {
    return { counts: "no report", slowest: "", longestMs: 0, steps: "", stepsMs: 0 };
  }
}

const STEP_OF = new Map(ALL_CASES.map((c) => [c.id, stepOf(c)]));

/** Each step's time in a run, as {@linkcode ReportSummary.steps} describes it, and their sum. */
function stepTimes(report: RunReport): { steps: string; stepsMs: number } {
  const ms = new Map<Step<unknown>["name"], number>();
  for (const c of report.cases) {
    const step = STEP_OF.get(c.id);
    if (step === undefined) continue;
    const before = ms.get(step) ?? 0;
    ms.set(step, step === "shared" ? Math.max(before, c.durationMs) : before + c.durationMs);
  }
  const shown = [...ms].filter(([, v]) => v > 0)
    .sort(([a], [b]) => STEP_ORDER.indexOf(a) - STEP_ORDER.indexOf(b));
  return {
    steps: shown.map(([name, v]) => `${name} ${(v / 1000).toFixed(1)}`).join(", "),
    stepsMs: shown.reduce((sum, [, v]) => sum + v, 0),
  };
}
