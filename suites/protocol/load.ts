/**
 * Loads a protocol file from disk into a profile: how `--profile ./kv.toml`, a roster's profile
 * column and `conformanceTests({ profile: "./kv.toml" })` reach it.
 *
 * @module
 */
import { errorText } from "../../harness/mod.ts";
import { parseProtocol, ProtocolFileError } from "./parse.ts";
import { type ProtocolProfile, protocolProfile } from "./profile.ts";

/**
 * Whether a `--profile` value names a protocol file (it ends in `.toml`).
 *
 * @example
 * ```ts
 * import { isProtocolFile } from "./load.ts";
 * isProtocolFile("./kv.toml"); // true
 * isProtocolFile("echo"); // false
 * ```
 */
export function isProtocolFile(spec: string): boolean {
  return /\.toml$/i.test(spec);
}

/**
 * Reads and checks the protocol file at `path` (relative to the working directory).
 *
 * @throws {ProtocolFileError} when it cannot be read or has a problem (`file:line: ...`).
 * @example
 * ```ts
 * import { loadProtocolFile } from "./load.ts";
 * const kv = loadProtocolFile("suites/protocol/examples/kv.toml");
 * kv.cases[0].id; // "kv.set-get.as-written"
 * ```
 */
export function loadProtocolFile(path: string): ProtocolProfile {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) throw e;
    throw new ProtocolFileError(`Cannot read protocol file "${path}": ${errorText(e)}`, {
      cause: e,
    });
  }
  return protocolProfile(parseProtocol(text, path));
}
