/**
 * Groups results by their case's group (`tcp.basic`), in order.
 *
 * @module
 */
import { type CaseResult, groupOf } from "../harness/mod.ts";

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
