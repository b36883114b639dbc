/**
 * One culprit per death, by construction: when a program dies while several cases run side by
 * side, the suspects are taken in one fixed order (by case id, whatever their timing), and the
 * first that is found to kill it is the one blamed. The others are judged again (`--exec`: each
 * rerun alone on a fresh start) or, where nothing can start the target again (address mode), end
 * as skips that say so.
 *
 * @module
 */
import type { Case, CaseResult } from "../mod.ts";

/**
 * The suspects of one death in the fixed order they are tried: by case id.
 *
 * @example
 * ```ts
 * import { blameOrder } from "./blame.ts";
 * import type { Case } from "../mod.ts";
 * const cases = [{ id: "tcp.framing.large" }, { id: "tcp.basic.connect" }] as Case[];
 * blameOrder(cases).map((c) => c.id); // ["tcp.basic.connect", "tcp.framing.large"]
 * ```
 */
export function blameOrder<T extends Pick<Case, "id">>(suspects: readonly T[]): T[] {
  return [...suspects].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A case that failed beside the one a death was blamed on, where nothing can restart the target:
 * a skip that says why it was not judged, with what it saw.
 *
 * @example
 * ```ts
 * import { collateral } from "./blame.ts";
 * import type { CaseResult } from "../mod.ts";
 * const r = { id: "tcp.framing.coalesced", outcome: "fail", message: "No reply" } as CaseResult;
 * collateral(r, "the target stopped accepting connections", "tcp.basic.connect").outcome; // "skip"
 * ```
 */
export function collateral(r: CaseResult, died: string, culprit: string): CaseResult {
  const { expectedHex: _e, actualHex: _a, ...rest } = r;
  return {
    ...rest,
    outcome: "skip",
    message: `Not judged: ${died} while this case ran beside ${culprit} (blamed on ${culprit})${
      r.message ? `. What the case saw: ${r.message}` : ""
    }`,
  };
}
