import type { Profile } from "../mod.ts";
import { PROFILES } from "../subject/profiles.ts";

/** What a CLI subprocess printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = new URL("../../", import.meta.url);

/**
 * Runs one of the repo's entry scripts (`harness/cli/conform.ts`, …) in a fresh Deno process from
 * the repo root, with every permission unless `permissions` lists the flags to give (it never
 * prompts then), and collects its output. For tests.
 */
export async function runCli(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; signal?: AbortSignal; permissions?: string[] } = {},
): Promise<CliRun> {
  const permissions = options.permissions ? ["--no-prompt", ...options.permissions] : ["-A"];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, "--quiet", script, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    signal: options.signal,
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The built-in profiles tests use, with their reference servers attached. */
export const echo: Profile = PROFILES.echo;
/** The `discard` profile with its reference server. */
export const discard: Profile = PROFILES.discard;
/** The RFC service profiles (discard, chargen, daytime, time) with their reference servers. */
export const servicesProfiles: readonly Profile[] = ["discard", "chargen", "daytime", "time"].map(
  (name) => PROFILES[name],
);
