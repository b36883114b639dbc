/**
 * `grade --merge DIR… --out DIR`: puts the output folders of a roster's shards together into the
 * folder one unsharded `grade` would have written: every student's folder, one gradebook (CSV and
 * Markdown), one JUnit file and a manifest. Folders graded by another sockspec version, with
 * another rubric, roster or settings, or a shard given twice or missing, are refused with one line.
 *
 * @module
 */
import { UsageError } from "../mod.ts";
import { writeBatchJunit, writeGradebook, writeManifest } from "./batch_files.ts";
import { checkMergeable, type Manifest, readManifest } from "./manifest.ts";
import { join, prepareOut } from "../subject/output.ts";

/** What a merge wrote. */
export interface Merged {
  manifest: Manifest;
  /** How many folders went in. */
  folders: number;
}

/**
 * Merges the shard folders `dirs` into `out` (created if missing) and returns the merged manifest.
 *
 * @throws {UsageError} for a folder that is not a finished grade folder, folders that were not
 *   graded alike, a shard given twice or missing, or `out` among `dirs`.
 * @example
 * ```ts
 * import { mergeShards } from "./merge.ts";
 * try {
 *   await mergeShards(["/no/such/shard"], "/tmp/merged");
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot merge "/no/such/shard": no manifest.json …
 * }
 * ```
 */
export async function mergeShards(dirs: readonly string[], out: string): Promise<Merged> {
  if (dirs.length === 0) throw new UsageError("Nothing to merge: give --merge DIR… --out DIR");
  const folders = [];
  for (const dir of dirs) folders.push({ dir, manifest: await readManifest(dir) });
  checkMergeable(folders);
  const outPath = await realPath(out);
  for (const { dir } of folders) {
    if (outPath !== null && await realPath(dir) === outPath) {
      throw new UsageError(`Cannot merge into "${out}": it is one of the folders merged`);
    }
  }
  await prepareOut(out);
  const rows = folders.flatMap(({ manifest }) => manifest.rows).sort((a, b) => a.line - b.line);
  for (const { dir, manifest } of folders) {
    for (const row of manifest.rows) {
      if (row.dir) await copyDir(join(dir, row.dir), join(out, row.dir));
    }
  }
  const first = folders[0].manifest;
  const startedAt = folders.map((f) => f.manifest.startedAt).sort()[0];
  const manifest: Manifest = {
    ...first,
    shard: null,
    rows,
    startedAt,
    durationMs: Math.max(...folders.map((f) => f.manifest.durationMs)),
  };
  writeGradebook(out, rows, first.groups, first.title);
  await writeBatchJunit(out, rows, startedAt);
  writeManifest(out, manifest);
  return { manifest, folders: folders.length };
}

/** The canonical path of `path`, or null when it does not exist. */
async function realPath(path: string): Promise<string | null> {
  try {
    return await Deno.realPath(path);
  } catch {
    return null;
  }
}

/** Copies the folder `from` to `to`, files and subfolders, replacing files already there. */
async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const [src, dst] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory) await copyDir(src, dst);
    else if (entry.isFile) await Deno.copyFile(src, dst);
  }
}
