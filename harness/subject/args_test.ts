import { assertEquals } from "@std/assert";
import { UsageError } from "../mod.ts";
import { EXIT, exitOnError } from "./args.ts";
import { needs, PermissionNeeded } from "./permissions.ts";

function lines(e: unknown): [number, string[]] {
  const out: string[] = [];
  return [exitOnError(e, (l) => out.push(l)), out];
}

Deno.test("exitOnError() names the flag and the feature of a permission Deno refused", async () => {
  const denied = new Deno.errors.NotCapable(
    'Requires write access to "x.json", run again with the --allow-write flag',
  );
  assertEquals(lines(denied), [
    EXIT.usage,
    ['sockspec: this command needs --allow-write (Requires write access to "x.json")'],
  ]);
  // Wrapped in a UsageError that quotes it, and marked with the feature that needs it.
  const loading = new TypeError(
    'Requires read access to "/p.ts", run again with the --allow-read flag',
  );
  const wrapped = await needs("--profile", () => {
    throw new UsageError(`Cannot load profile module "./p.ts": ${loading.message}`, {
      cause: loading,
    });
  }).catch((e) => e);
  assertEquals(wrapped instanceof PermissionNeeded, true);
  assertEquals(lines(wrapped), [
    EXIT.usage,
    ['sockspec: --profile needs --allow-read (Requires read access to "/p.ts")'],
  ]);
});

Deno.test("exitOnError() keeps a user's mistake and an internal error apart from permissions", () => {
  assertEquals(lines(new UsageError('Unknown option "--x"')), [
    EXIT.usage,
    ['sockspec: Unknown option "--x"'],
  ]);
  // The operating system's "permission denied" (a file mode) is not a Deno permission.
  assertEquals(lines(new Deno.errors.PermissionDenied("Permission denied (os error 13)")), [
    EXIT.internal,
    ["sockspec: internal error: Permission denied (os error 13)"],
  ]);
});
