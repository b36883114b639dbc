/**
 * Case ids: their groups, and selecting cases by id prefix. One home for prefix matching, used by
 * `--only`/`--skip`, rubrics and the gradebook.
 *
 * @module
 */
import type { Case } from "./case.ts";

/**
 * True when `prefix` is the whole id or a dotted part of it: `tcp.basic` matches
 * `tcp.basic.connect`, not `tcp.basics`; a prefix ending in a dot matches what starts with it.
 *
 * @example
 * ```ts
 * import { matchesPrefix } from "./select.ts";
 * matchesPrefix("tcp.basic.connect", "tcp.basic"); // true
 * matchesPrefix("tcp.basics.x", "tcp.basic"); // false
 * ```
 */
export function matchesPrefix(id: string, prefix: string): boolean {
  return id === prefix || id.startsWith(prefix.endsWith(".") ? prefix : prefix + ".");
}

/**
 * Selects cases by id prefix: kept when `only` is empty or one of its prefixes matches, and none
 * of `skip` matches.
 *
 * @example
 * ```ts
 * import { selectCases } from "./select.ts";
 * import type { Case } from "./case.ts";
 * const cases = [{ id: "tcp.basic.connect" }, { id: "udp.basic.x" }] as Case[];
 * selectCases(cases, ["tcp"], []).length; // 1
 * ```
 */
export function selectCases(
  cases: readonly Case[],
  only: readonly string[],
  skip: readonly string[],
): Case[] {
  return cases.filter((c) =>
    (only.length === 0 || only.some((p) => matchesPrefix(c.id, p))) &&
    !skip.some((p) => matchesPrefix(c.id, p))
  );
}

/**
 * The group of a case: its id without the last dotted part (`tcp.basic.connect` → `tcp.basic`).
 * An id with no dot is its own group.
 *
 * @example
 * ```ts
 * import { groupOf } from "./select.ts";
 * groupOf("tcp.basic.connect"); // "tcp.basic"
 * ```
 */
export function groupOf(id: string): string {
  const i = id.lastIndexOf(".");
  return i < 0 ? id : id.slice(0, i);
}
