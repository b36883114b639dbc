/**
 * Split plans: where a message is cut into segments (one byte each, random cuts), seeded.
 *
 * @module
 */
import type { Rng } from "./rng.ts";

/** How to cut bytes into the writes that carry them. */
export interface SplitPlan {
  /** Cut after these offsets (ascending, inside the data). */
  cuts?: readonly number[];
  /** Or: chunk sizes, cycled until the data ends (`[1]` is byte by byte). */
  sizes?: readonly number[];
  /** Milliseconds to wait between writes, so each becomes its own segment (default 5). */
  gapMs?: number;
}

/**
 * Cuts `data` into chunks by `plan`. Zero-length chunks are never produced.
 *
 * @example
 * ```ts
 * import { splitBytes } from "./split.ts";
 * splitBytes(new Uint8Array(5), { cuts: [1, 3] }).map((c) => c.length); // [1, 2, 2]
 * ```
 */
export function splitBytes(data: Uint8Array, plan: SplitPlan): Uint8Array[] {
  const cuts: number[] = [];
  if (plan.sizes && plan.sizes.length > 0) {
    let at = 0;
    for (let i = 0; at < data.length; i++) {
      const size = plan.sizes[i % plan.sizes.length];
      if (!(size >= 1)) throw new RangeError(`Split size must be at least 1, got ${size}`);
      at += size;
      if (at < data.length) cuts.push(at);
    }
  } else if (plan.cuts) {
    for (const c of plan.cuts) if (c > 0 && c < data.length && c !== cuts.at(-1)) cuts.push(c);
  }
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...cuts, data.length]) {
    if (c > from) out.push(data.subarray(from, c));
    from = c;
  }
  return out;
}

/**
 * Chooses `count` distinct random cut points inside `length` bytes, ascending.
 *
 * @example
 * ```ts
 * import { makeRng } from "./rng.ts";
 * import { randomCuts } from "./split.ts";
 * randomCuts(makeRng(1), 100, 3); // three offsets in 1..99
 * ```
 */
export function randomCuts(rng: Rng, length: number, count: number): number[] {
  const n = Math.min(count, Math.max(0, length - 1));
  const set = new Set<number>();
  while (set.size < n) set.add(rng.int(1, length - 1));
  return [...set].sort((a, b) => a - b);
}
