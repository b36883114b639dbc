/**
 * What the benchmarks print of a run's JSON report: its outcome counts and its slowest case.
 *
 * @module
 */
import { OUTCOMES, type RunReport } from "../mod.ts";

/** A run's outcome counts and slowest case, as a benchmark's table shows them. */
export interface ReportSummary {
  /** `"29 pass, 18 skip"`, or `"no report"` when the run left none. */
  counts: string;
  /** `"tcp.robustness.mid-message 0.5 s"`, or `""`. */
  slowest: string;
  /** The slowest case's duration, or 0. */
  longestMs: number;
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
    };
  } catch {
    return { counts: "no report", slowest: "", longestMs: 0 };
  }
}
