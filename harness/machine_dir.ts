/**
 * A folder every sockspec process on the machine shares, under the temporary folder: where ports
 * handed out are noted (`sockspec-ports`) and C fixtures are kept built (`sockspec-c-cache`).
 *
 * @module
 */

const made = new Map<string, string | null>();

/**
 * `$TMPDIR/<name>` (`/tmp/<name>` without `TMPDIR` or the permission to read it), made if need be,
 * writable by every user and sticky as `/tmp` is; undefined where it cannot be made. Looked up once
 * per process.
 *
 * @example
 * ```ts
 * import { machineDir } from "./machine_dir.ts";
 * const dir = machineDir("sockspec-example");
 * console.log(dir === undefined || dir.endsWith("/sockspec-example")); // true
 * ```
 */
export function machineDir(name: string): string | undefined {
  if (!made.has(name)) {
    try {
      let tmp = "/tmp";
      try {
        tmp = Deno.env.get("TMPDIR") || tmp;
      } catch { /* no --allow-env */ }
      const dir = `${tmp}/${name}`;
      Deno.mkdirSync(dir, { recursive: true, mode: 0o1777 });
      made.set(name, dir);
    } catch {
      made.set(name, null);
    }
  }
  return made.get(name) ?? undefined;
}
