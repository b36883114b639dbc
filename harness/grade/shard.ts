/**
 * Shards of a roster: `grade --shard I/N` grades every N-th roster row, starting at row I, so N
 * machines (a CI matrix, a Kubernetes Indexed Job) grade a class between them and
 * `grade --merge` puts their folders together. Rows are picked by their position in the roster,
 * never by what they hold: malformed rows, duplicates and rows of any kind of roster are spread
 * the same way, and the same roster always gives the same shards.
 *
 * @module
 */
import { UsageError } from "../mod.ts";

/** One of `count` shards of a roster, from 1. */
export interface Shard {
  /** Which shard, from 1 to `count`. */
  index: number;
  /** How many shards the roster is cut into. */
  count: number;
}

/** The environment variable a Kubernetes Indexed Job sets in each pod: its index, from 0. */
export const JOB_INDEX_VAR = "JOB_COMPLETION_INDEX";

/**
 * Parses `--shard I/N`: shard I (from 1) of N.
 *
 * @throws {UsageError} unless I and N are whole numbers with 1 ≤ I ≤ N.
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * parseShard("2/3"); // { index: 2, count: 3 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || index > count) {
    throw new UsageError(
      `Option --shard needs I/N with 1 <= I <= N (e.g. --shard 1/4), got "${text}"`,
    );
  }
  return { index, count };
}

/**
 * The shard a Kubernetes Indexed Job's pod grades: `--shard-count N` with the pod's
 * `JOB_COMPLETION_INDEX` (0 to N-1), as shard index + 1 of N.
 *
 * @param count The `--shard-count` given (the Job's `completions`).
 * @param index The value of `JOB_COMPLETION_INDEX`, or undefined when it is not set.
 * @throws {UsageError} when the index is missing or not below `count`.
 * @example
 * ```ts
 * import { shardFromJobIndex } from "./shard.ts";
 * shardFromJobIndex(4, "0"); // { index: 1, count: 4 }
 * ```
 */
export function shardFromJobIndex(count: number, index: string | undefined): Shard {
  if (index === undefined || index.trim() === "") {
    throw new UsageError(
      `Option --shard-count needs ${JOB_INDEX_VAR} (set by a Kubernetes Indexed Job); elsewhere give --shard I/N`,
    );
  }
  const i = Number(index);
  if (!Number.isInteger(i) || i < 0 || i >= count) {
    throw new UsageError(
      `${JOB_INDEX_VAR} must be a whole number from 0 to ${
        count - 1
      } for --shard-count ${count}, got "${index}"`,
    );
  }
  return { index: i + 1, count };
}

/**
 * The rows of `rows` that belong to `shard`: positions I-1, I-1+N, I-1+2N, … (from 0), in order.
 *
 * @example
 * ```ts
 * import { shardRows } from "./shard.ts";
 * shardRows(["a", "b", "c", "d", "e"], { index: 2, count: 2 }); // ["b", "d"]
 * ```
 */
export function shardRows<T>(rows: readonly T[], shard: Shard): T[] {
  return rows.filter((_, i) => i % shard.count === shard.index - 1);
}

/**
 * How a shard is written in messages and manifests: `2/3`.
 *
 * @example
 * ```ts
 * import { shardText } from "./shard.ts";
 * shardText({ index: 2, count: 3 }); // "2/3"
 * ```
 */
export function shardText(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
