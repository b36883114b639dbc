import type { CaseResult } from "../harness/result.ts";

/**
 * The group of a case: its id without the last dotted part (`tcp.basic.connect` → `tcp.basic`).
 * An id with no dot is its own group.
 */
export function groupOf(id: string): string {
  const i = id.lastIndexOf(".");
  return i < 0 ? id : id.slice(0, i);
}

/** The cases of a run by group, groups in order of their first case. */
export function byGroup(cases: readonly CaseResult[]): Map<string, CaseResult[]> {
  const groups = new Map<string, CaseResult[]>();
  for (const c of cases) {
    const g = groupOf(c.id);
    const list = groups.get(g);
    if (list) list.push(c);
    else groups.set(g, [c]);
  }
  return groups;
}

/** True for the outcomes that count against a run: fail, error, flaky. */
export function isProblem(c: CaseResult): boolean {
  return c.outcome === "fail" || c.outcome === "error" || c.outcome === "flaky";
}
