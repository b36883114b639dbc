/**
 * The batch files of a grade output folder, beside the students' folders: `gradebook.csv`,
 * `gradebook.md`, `junit.xml` (one testsuite per roster row) and `manifest.json`. `grade` writes
 * them as it goes and when it ends, `grade --merge` from the rows of its shards: one writer, so a
 * merged folder is the folder an unsharded run would have written.
 *
 * @module
 */
import { renderGradebookCsv, renderGradebookMarkdown } from "../../reports/gradebook.ts";
import { JUNIT_BATCH, renderJunitStudent } from "../../reports/junit_batch.ts";
import { type RunReport, writeFileAtomicSync } from "../mod.ts";
import { type Manifest, MANIFEST_FILE, type ManifestRow } from "./manifest.ts";
import { join, STUDENT_FILES } from "../subject/output.ts";

/** The batch's files in an output folder. */
export const BATCH_FILES = {
  csv: "gradebook.csv",
  md: "gradebook.md",
  junit: "junit.xml",
  manifest: MANIFEST_FILE,
} as const;

/**
 * The gradebook's group columns: the groups some row was scored on (a profile may not use them
 * all), or every group when no row was.
 *
 * @example
 * ```ts
 * import { gradebookColumns } from "./batch_files.ts";
 * const row = { student: "ada", line: 2, groups: {}, groupMax: { "tcp.basic": 6 }, status: "ok" };
 * gradebookColumns([row], ["tcp.basic", "udp.basic"]); // ["tcp.basic"]
 * ```
 */
export function gradebookColumns(
  rows: readonly ManifestRow[],
  groups: readonly string[],
): string[] {
  const scored = groups.filter((g) => rows.some((r) => r.groupMax[g] !== undefined));
  return scored.length > 0 ? scored : [...groups];
}

/** Writes `gradebook.csv` and `gradebook.md` of `rows`, each through a temporary file. */
export function writeGradebook(
  out: string,
  rows: readonly ManifestRow[],
  groups: readonly string[],
  title: string,
): void {
  const columns = gradebookColumns(rows, groups);
  writeFileAtomicSync(join(out, BATCH_FILES.csv), renderGradebookCsv(rows, columns));
  writeFileAtomicSync(join(out, BATCH_FILES.md), renderGradebookMarkdown(rows, columns, title));
}

/**
 * Writes `junit.xml`: one testsuite per row, in order, each rendered from the student's
 * `report.json` in `out`, read one at a time (a batch never holds every report at once).
 *
 * @param startedAt When the batch started: the timestamp of rows that have no report.
 */
export async function writeBatchJunit(
  out: string,
  rows: readonly ManifestRow[],
  startedAt: string,
): Promise<void> {
  const path = join(out, BATCH_FILES.junit);
  const tmp = `${path}.${Deno.pid}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  const write = async (s: string) => {
    const bytes = encoder.encode(s);
    for (let off = 0; off < bytes.length;) off += await file.write(bytes.subarray(off));
  };
  try {
    await write(JUNIT_BATCH.head);
    for (const [id, row] of rows.entries()) {
      const report = row.dir && row.report ? await readReport(join(out, row.dir)) : undefined;
      await write(renderJunitStudent(row, report, { id, dir: row.dir, timestamp: startedAt }));
    }
    await write(JUNIT_BATCH.tail);
  } finally {
    file.close();
  }
  await Deno.rename(tmp, path);
}

/** A student's `report.json`, or undefined when it is missing or unreadable. */
async function readReport(dir: string): Promise<RunReport | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, STUDENT_FILES.json))) as RunReport;
  } catch {
    return undefined;
  }
}

/** Writes `manifest.json`, through a temporary file. */
export function writeManifest(out: string, manifest: Manifest): void {
  writeFileAtomicSync(join(out, BATCH_FILES.manifest), JSON.stringify(manifest, null, 2) + "\n");
}
