/**
 * The profiles the commands know: the suites' built-in profiles with their reference servers from
 * `fixtures/` attached, and user profile modules loaded by path.
 *
 * @module
 */
import { REFERENCES } from "../../fixtures/references/mod.ts";
import { SUITE_PROFILES } from "../../suites/mod.ts";
import { errorText, type Profile, UsageError } from "../mod.ts";

/** Every built-in profile, by `--profile` name, with its reference server. */
export const PROFILES: Readonly<Record<string, Profile>> = Object.fromEntries(
  Object.entries(SUITE_PROFILES).map(([name, p]) => [name, { ...p, reference: REFERENCES[name] }]),
);

/**
 * Finds a profile by built-in name (`echo`) or loads a user's profile module from a path
 * (`./my_profile.ts`), whose default export or `profile` export is a {@linkcode Profile}.
 *
 * @throws {UsageError} for an unknown name, a module that does not load, or one that exports no
 * valid profile.
 * @example
 * ```ts
 * import { loadProfile } from "./profiles.ts";
 * const echo = await loadProfile("echo");
 * const mine = await loadProfile("./fixtures/example_profile.ts");
 * ```
 */
export async function loadProfile(spec: string): Promise<Profile> {
  const isPath = /[\/\\]/.test(spec) || /\.(ts|js|mjs|mts)$/.test(spec);
  if (!isPath) {
    const p = PROFILES[spec];
    if (!p) {
      throw new UsageError(
        `Unknown profile "${spec}": expected one of ${
          Object.keys(PROFILES).join(", ")
        } or a path to a profile module`,
      );
    }
    return p;
  }
  const url = new URL(spec, `file://${Deno.cwd()}/`);
  let mod: Record<string, unknown>;
  try {
    mod = await import(url.href);
  } catch (e) {
    throw new UsageError(`Cannot load profile module "${spec}": ${errorText(e)}`, { cause: e });
  }
  const candidate = (mod.default ?? mod.profile) as Partial<Profile> | undefined;
  const problem = profileProblem(candidate);
  if (problem) throw new UsageError(`Profile module "${spec}" ${problem}`);
  return candidate as Profile;
}

function profileProblem(p: Partial<Profile> | undefined): string | null {
  if (!p || typeof p !== "object") return "exports no profile (a default or `profile` export)";
  if (typeof p.name !== "string" || p.name === "") return "exports a profile with no name";
  if (
    !Array.isArray(p.transports) || p.transports.length === 0 ||
    !p.transports.every((t) => t === "tcp" || t === "udp")
  ) {
    return 'exports a profile whose transports are not a list of "tcp" and "udp"';
  }
  if (!p.framing || typeof p.framing.kind !== "string") return "exports a profile with no framing";
  if ((typeof p.encode === "function") !== (typeof p.expectedReply === "function")) {
    return "exports a profile with only one of encode() and expectedReply()";
  }
  return null;
}
