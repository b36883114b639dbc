/**
 * Every scenario case sockspec ships, in listing order, and the profiles they speak.
 *
 * @module
 */
import type { Case } from "../harness/case.ts";
import { portsCases } from "./ports.ts";
import { serviceCases } from "./services/mod.ts";
import { tcpCases } from "./tcp/mod.ts";
import { udpCases } from "./udp/mod.ts";

export { PROFILES } from "./profiles/mod.ts";

/** Every case, in listing order. */
export const ALL_CASES: readonly Case[] = [
  ...tcpCases,
  ...udpCases,
  ...portsCases,
  ...serviceCases,
];

/**
 * Selects cases by id prefix: kept when `only` is empty or one of its prefixes matches, and none
 * of `skip` matches. A prefix matches the whole id or a dotted part of it (`tcp.basic` matches
 * `tcp.basic.connect`, not `tcp.basics`).
 *
 * @example
 * ```ts
 * import { ALL_CASES, selectCases } from "./mod.ts";
 * selectCases(ALL_CASES, ["tcp.basic"], ["tcp.basic.connect"]);
 * ```
 */
export function selectCases(
  cases: readonly Case[],
  only: readonly string[],
  skip: readonly string[],
): Case[] {
  const matches = (id: string, prefix: string) =>
    id === prefix || id.startsWith(prefix.endsWith(".") ? prefix : prefix + ".");
  return cases.filter((c) =>
    (only.length === 0 || only.some((p) => matches(c.id, p))) && !skip.some((p) => matches(c.id, p))
  );
}
