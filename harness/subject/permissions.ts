/**
 * The Deno permissions the commands use, and what a command does without one: a feature that
 * needs a permission the run was not given says so in one line ({@linkcode PermissionNeeded},
 * turned into that line by `exitOnError`); a feature with a fallback uses it. Nothing here ever
 * prompts: permissions are queried, never requested.
 *
 * @module
 */
import { errorText, type Target } from "../mod.ts";

/**
 * A permission that a feature of a command (`--report`, `--roster`, …) needs and was not granted.
 * `exitOnError` turns it into one line that names the feature and the flag.
 *
 * @example
 * ```ts
 * import { exitOnError } from "./args.ts";
 * import { PermissionNeeded } from "./permissions.ts";
 * const denied = new Deno.errors.NotCapable(
 *   'Requires write access to "x.json", run again with the --allow-write flag',
 * );
 * exitOnError(new PermissionNeeded("--report", { cause: denied }), console.error);
 * // 2, after 'sockspec: --report needs --allow-write (Requires write access to "x.json")'
 * ```
 */
export class PermissionNeeded extends Error {
  /** The feature that needs it, as the user named it: `--report`, `a roster target`. */
  readonly feature: string;

  /**
   * @param feature The feature that needs the permission.
   * @param options `cause`: Deno's permission error.
   */
  constructor(feature: string, options: { cause: unknown }) {
    super(`${feature} needs a permission: ${errorText(options.cause)}`, options);
    this.name = "PermissionNeeded";
    this.feature = feature;
  }
}

/** What Deno refused: the flag that grants it and Deno's own words. */
export interface Denied {
  /** The flag that grants the permission, e.g. `--allow-write`. */
  flag: string;
  /** Deno's message without its advice: `Requires write access to "x.json"`. */
  detail: string;
}

/**
 * The permission Deno refused in `e` or in one of its causes, or null when `e` is no such
 * refusal: a `Deno.errors.NotCapable`, or any error with Deno's advice to run again with an
 * `--allow-*` flag (a dynamic import Deno may not read fails with a `TypeError`). An operating
 * system's "permission denied" (a file mode, a port below 1024) is not one.
 *
 * @example
 * ```ts
 * import { deniedPermission } from "./permissions.ts";
 * const e = new Deno.errors.NotCapable(
 *   'Requires write access to "x.json", run again with the --allow-write flag',
 * );
 * deniedPermission(e); // { flag: "--allow-write", detail: 'Requires write access to "x.json"' }
 * ```
 */
export function deniedPermission(e: unknown): Denied | null {
  const chain: Error[] = [];
  for (let x = e; x instanceof Error && chain.length < 10; x = x.cause) chain.push(x);
  // The deepest first: errors that wrap Deno's quote its message after their own words.
  for (const x of chain.reverse()) {
    const advice = /^(.*?),? run again with the (--allow-[a-z-]+) flag/s.exec(x.message);
    if (advice) return { flag: advice[2], detail: advice[1] };
    const kind = /^Requires (\w+) access/.exec(x.message);
    if (kind && x instanceof Deno.errors.NotCapable) {
      return { flag: `--allow-${kind[1]}`, detail: x.message };
    }
  }
  return null;
}

/**
 * Runs `fn`; a permission Deno refuses inside it becomes a {@linkcode PermissionNeeded} that names
 * `feature`. Other errors pass through as they are.
 *
 * @example
 * ```ts
 * import { needs } from "./permissions.ts";
 * try {
 *   console.log((await needs("--roster", () => Deno.readTextFile("deno.json"))).length > 0);
 * } catch (e) {
 *   console.log((e as Error).message); // without --allow-read: --roster needs a permission: …
 * }
 * ```
 */
export async function needs<T>(feature: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PermissionNeeded || !deniedPermission(e)) throw e;
    throw new PermissionNeeded(feature, { cause: e });
  }
}

/**
 * Checks, before any connection, that the run may reach every target: a case cannot report a
 * missing permission better than one line can.
 *
 * @throws {PermissionNeeded} naming `feature` and the first target the run may not reach.
 * @example
 * ```ts
 * import { parseTarget } from "../mod.ts";
 * import { requireNet } from "./permissions.ts";
 * try {
 *   requireNet("--target", [parseTarget("tcp://127.0.0.1:7")]);
 * } catch (e) {
 *   console.log((e as Error).message); // without --allow-net: --target needs a permission: …
 * }
 * ```
 */
export function requireNet(feature: string, targets: readonly (Target | undefined)[]): void {
  for (const t of targets) {
    if (!t) continue;
    const host = t.host.includes(":") ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
    if (Deno.permissions.querySync({ name: "net", host }).state === "granted") continue;
    throw new PermissionNeeded(feature, {
      cause: new Deno.errors.NotCapable(
        `Requires net access to "${host}", run again with the --allow-net flag`,
      ),
    });
  }
}

/**
 * Reads an environment variable the run was allowed to read, or gives undefined: without
 * `--allow-env` sockspec behaves as if GITHUB_ACTIONS, GITHUB_STEP_SUMMARY and NO_COLOR were unset.
 *
 * @example
 * ```ts
 * import { envVar } from "./permissions.ts";
 * const onGithub = envVar("GITHUB_ACTIONS") === "true";
 * ```
 */
export function envVar(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
