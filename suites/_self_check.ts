/**
 * `Deno.test` for the project's own tests under `suites/`. They register only when no user target
 * is given: `SOCKSPEC_TARGET=… deno test --allow-net --allow-env suites/` then runs exactly one
 * test per applicable case (`target_test.ts`), not the project's self-checks, which need more
 * permissions and say nothing about the target.
 *
 * @module
 */

/** Whether the environment variable `name` is set and may be read. */
const given = (name: string) =>
  Deno.permissions.querySync({ name: "env", variable: name }).state === "granted" &&
  (Deno.env.get(name) ?? "").trim() !== "";

/**
 * True when `deno test` runs against a user's target (or client: `SOCKSPEC_CLIENT`, or program:
 * `SOCKSPEC_EXEC`).
 */
export const AGAINST_TARGET: boolean = given("SOCKSPEC_TARGET") || given("SOCKSPEC_CLIENT") ||
  given("SOCKSPEC_EXEC");

/** Registers a test, unless `deno test` runs against a user's target. Same signature as `Deno.test`. */
export const selfTest: typeof Deno.test = ((...args: unknown[]) => {
  if (!AGAINST_TARGET) (Deno.test as (...a: unknown[]) => void)(...args);
}) as unknown as typeof Deno.test;
