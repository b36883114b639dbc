/**
 * The manifest of a grade output folder (`manifest.json`): what graded it (sockspec's version),
 * with what (a hash of the rubric and of the roster, the run's settings), which shard of the
 * roster it holds, and its gradebook rows. `grade --merge` reads it to put shard folders together
 * and to refuse folders that were not graded alike.
 *
 * @module
 */
import { encodeHex } from "@std/encoding/hex";
import type { GradebookRow } from "../../reports/mod.ts";
import { errorText, UsageError } from "../mod.ts";
import { type Shard, shardText } from "./shard.ts";

/** The manifest's file name in an output folder. */
export const MANIFEST_FILE = "manifest.json";

/** A gradebook row as a manifest keeps it: with the student's folder, when they have one. */
export interface ManifestRow extends GradebookRow {
  /** The student's folder inside the output folder. */
  dir?: string;
}

/** What every student of a batch was graded with; shards merge only when theirs are equal. */
export interface GradeSettings {
  seed: number;
  strict: boolean;
  timeoutMs: number;
  caseTimeoutMs: number;
  repeat: number;
  params: Record<string, number>;
  /** The ids of the cases run, in order. */
  cases: string[];
}

/** The manifest of an output folder. */
export interface Manifest {
  /** The tool that wrote the folder: merging needs one version. */
  tool: { name: string; version: string };
  /** The rubric file (or the shipped one) and the SHA-256 of its parsed content. */
  rubric: { source: string; sha256: string };
  /** The roster file, the SHA-256 of its text, and how many rows it has in all. */
  roster: { source: string; sha256: string; rows: number };
  /** The shard of the roster this folder holds; null: every row. */
  shard: Shard | null;
  settings: GradeSettings;
  /** The gradebook's group columns to choose from, in case order. */
  groups: string[];
  /** The gradebook's title. */
  title: string;
  /** The gradebook rows of this folder, in roster order. */
  rows: ManifestRow[];
  /** When grading started (ISO 8601) and how long it took: left out when folders are compared. */
  startedAt: string;
  durationMs: number;
}

/**
 * The SHA-256 of `value` as lowercase hex: of a string's UTF-8 bytes, or of any other value's
 * JSON with object keys sorted (so the same rubric read from TOML or JSON hashes alike).
 *
 * @example
 * ```ts
 * import { sha256 } from "./manifest.ts";
 * (await sha256({ b: 1, a: 2 })) === (await sha256({ a: 2, b: 1 })); // true
 * ```
 */
export async function sha256(value: unknown): Promise<string> {
  const text = typeof value === "string" ? value : JSON.stringify(sorted(value));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return encodeHex(new Uint8Array(digest));
}

/** `value` with every object's keys in sorted order. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
  );
}

/**
 * Reads the manifest of output folder `dir`.
 *
 * @throws {UsageError} when there is none (not a grade output folder, or its grade did not finish)
 *   or it cannot be read.
 * @example
 * ```ts
 * import { readManifest } from "./manifest.ts";
 * try {
 *   await readManifest("/no/such/folder");
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot merge "/no/such/folder": no manifest.json …
 * }
 * ```
 */
export async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/${MANIFEST_FILE}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(
        `Cannot merge "${dir}": no ${MANIFEST_FILE} (not a grade output folder, or its grade did not finish)`,
      );
    }
    throw new UsageError(`Cannot read "${dir}/${MANIFEST_FILE}": ${errorText(e)}`, { cause: e });
  }
  try {
    const m = JSON.parse(text) as Manifest;
    if (!m.tool || !m.rubric || !m.roster || !m.settings || !Array.isArray(m.rows)) {
      throw new TypeError("fields are missing");
    }
    return m;
  } catch (e) {
    throw new UsageError(
      `Cannot merge "${dir}": its ${MANIFEST_FILE} is not a grade manifest (${errorText(e)})`,
    );
  }
}

/**
 * Checks that shard folders can be merged: one sockspec version, one rubric, one roster, the same
 * settings, and every shard of one `--shard …/N` exactly once. The first difference found is a
 * {@linkcode UsageError} naming both folders.
 *
 * @param folders Each folder with its manifest, in the order given.
 * @example
 * ```ts
 * import { checkMergeable, type Manifest } from "./manifest.ts";
 * const base = {
 *   tool: { name: "sockspec", version: "0.1.0" },
 *   rubric: { source: "r.toml", sha256: "aa" },
 *   roster: { source: "roster.csv", sha256: "bb", rows: 2 },
 *   settings: { seed: 1, strict: false, timeoutMs: 2000, caseTimeoutMs: 30000, repeat: 1, params: {}, cases: [] },
 *   groups: [], title: "Gradebook", rows: [], startedAt: "", durationMs: 0,
 * };
 * const a: Manifest = { ...base, shard: { index: 1, count: 2 } };
 * const b: Manifest = { ...base, shard: { index: 2, count: 2 }, rubric: { source: "r.toml", sha256: "cc" } };
 * try {
 *   checkMergeable([{ dir: "a", manifest: a }, { dir: "b", manifest: b }]);
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot merge "b" with "a": scored with another rubric …
 * }
 * ```
 */
export function checkMergeable(folders: readonly { dir: string; manifest: Manifest }[]): void {
  const [first, ...rest] = folders;
  const refuse = (dir: string, why: string) =>
    new UsageError(`Cannot merge "${dir}" with "${first.dir}": ${why}`);
  const a = first.manifest;
  for (const { dir, manifest: b } of rest) {
    if (b.tool.name !== a.tool.name || b.tool.version !== a.tool.version) {
      throw refuse(
        dir,
        `graded by ${b.tool.name} ${b.tool.version}, not ${a.tool.name} ${a.tool.version}`,
      );
    }
    if (b.rubric.sha256 !== a.rubric.sha256) {
      throw refuse(
        dir,
        `scored with another rubric (${b.rubric.source}, sha256 ${
          b.rubric.sha256.slice(0, 12)
        }…, not ${a.rubric.source}, sha256 ${a.rubric.sha256.slice(0, 12)}…)`,
      );
    }
    if (b.roster.sha256 !== a.roster.sha256) {
      throw refuse(
        dir,
        `graded another roster (${b.roster.source}, sha256 ${
          b.roster.sha256.slice(0, 12)
        }…, not ${a.roster.source}, sha256 ${a.roster.sha256.slice(0, 12)}…)`,
      );
    }
    const setting = differentSetting(a.settings, b.settings);
    if (setting) throw refuse(dir, `graded with other settings (${setting})`);
  }
  const count = a.shard?.count ?? 1;
  const seen = new Map<number, string>();
  for (const { dir, manifest } of folders) {
    const shard = manifest.shard ?? { index: 1, count: 1 };
    if (shard.count !== count) {
      throw refuse(
        dir,
        `it holds shard ${shardText(shard)}, "${first.dir}" shard ${
          shardText(a.shard ?? { index: 1, count: 1 })
        }: merge the shards of one --shard I/N`,
      );
    }
    const twice = seen.get(shard.index);
    if (twice !== undefined) {
      throw new UsageError(
        `Cannot merge "${dir}" with "${twice}": both hold shard ${shardText(shard)}`,
      );
    }
    seen.set(shard.index, dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new UsageError(
      `Cannot merge: shard${missing.length > 1 ? "s" : ""} ${
        missing.map((i) => `${i}/${count}`).join(", ")
      } missing; give the folder of every shard (got ${
        [...seen.keys()].sort((x, y) => x - y).map((i) => `${i}/${count}`).join(", ")
      })`,
    );
  }
}

/** The first setting two runs differ in, as `seed 2, not 1`, or null when they agree. */
function differentSetting(a: GradeSettings, b: GradeSettings): string | null {
  for (const key of Object.keys(a) as (keyof GradeSettings)[]) {
    const [x, y] = [JSON.stringify(sorted(b[key])), JSON.stringify(sorted(a[key]))];
    if (x !== y) {
      const show = (s: string) => s.length > 60 ? `${s.slice(0, 57)}…` : s;
      return `${key} ${show(x)}, not ${show(y)}`;
    }
  }
  return null;
}
