/**
 * The known name nearest to a misspelt one, for "did you mean" hints.
 *
 * @module
 */
import { levenshteinDistance as distance } from "@std/text/levenshtein-distance";

/**
 * The name of `known` nearest to `name` (at most 2 edits, or a third of its length), or undefined.
 *
 * @example
 * ```ts
 * import { nearest } from "./_nearest.ts";
 * nearest("exepct", ["open", "send", "expect"]); // "expect"
 * ```
 */
export function nearest(name: string, known: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return known
    .map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d)[0]?.k;
}
