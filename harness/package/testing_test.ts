import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { serve } from "../../fixtures/references/serve.ts";
import { closesAtOnce } from "../../fixtures/mutants/closes_at_once.ts";
import { conformanceTests } from "./testing.ts";
import { echo } from "../cli/_test_utils.ts";

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * A user's repository that uses sockspec as a package: the package sits in `vendor/sockspec` as a
 * workspace member (resolved by its name and exports, as `jsr:@sockspec/sockspec` would be), and
 * one test file registers the cases against `target`.
 */
async function userRepo(target: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-user-" });
  await Deno.mkdir(`${dir}/vendor`);
  await Deno.symlink(REPO, `${dir}/vendor/sockspec`);
  await Deno.writeTextFile(
    `${dir}/deno.json`,
    JSON.stringify({ workspace: ["./vendor/sockspec"], unstable: ["net"] }),
  );
  await Deno.writeTextFile(
    `${dir}/server_test.ts`,
    [
      'import { conformanceTests } from "@sockspec/sockspec/testing";',
      `conformanceTests({ target: "${target}", profile: "echo", only: ["tcp.basic"], seed: 3 });`,
      "",
    ].join("\n"),
  );
  return dir;
}

/**
 * Runs the user's `deno test`. The first test type-checks the package as a user's repository
 * sees it; the second passes `check: false` (the same package, already checked) because a type
 * check from a fresh path costs most of this file's time.
 */
async function denoTest(dir: string, check = true): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-net", ...(check ? [] : ["--no-check"]), "server_test.ts"],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

Deno.test("a user repository runs sockspec's cases with deno test --allow-net against its target", async () => {
  await using served = serve(echo.reference!);
  const dir = await userRepo(served.targets.tcp!.url);
  try {
    const r = await denoTest(dir);
    assertEquals(r.code, 0, r.out);
    for (const id of ["tcp.basic.connect", "tcp.basic.single-request", "tcp.basic.clean-close"]) {
      assertStringIncludes(r.out, `${id} ... ok`);
    }
    assertStringIncludes(r.out, "3 passed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a user repository's deno test fails with the evidence when its server breaks a case", async () => {
  await using served = await closesAtOnce.start();
  const dir = await userRepo(served.targets.tcp!.url);
  try {
    const r = await denoTest(dir, false);
    assertEquals(r.code, 1, r.out);
    assertStringIncludes(r.out, "tcp.basic.single-request ... FAILED");
    assertStringIncludes(r.out, "requirement:");
    assertStringIncludes(r.out, "reproduce:");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("conformanceTests() registers only the cases that apply to the target and profile", () => {
  const names: string[] = [];
  const register = (name: string) => void names.push(name);
  conformanceTests({ target: "udp://127.0.0.1:9", profile: "echo", register });
  assert(names.length > 0);
  assert(names.every((n) => !n.startsWith("tcp.")), names.join(" "));
  names.length = 0;
  conformanceTests({ profile: "lp16", only: ["udp", "tcp.basic"], register, prefix: "lp16 " });
  assertEquals(names, [
    "lp16 tcp.basic.connect",
    "lp16 tcp.basic.single-request",
    "lp16 tcp.basic.clean-close",
  ]);
});

Deno.test("conformanceTests() refuses an unknown profile or a malformed target with one line", async (t) => {
  const register = () => {};
  for (
    const [options, text] of [
      [{ profile: "nope", register }, 'Unknown profile "nope"'],
      [{ target: "tcp//x", register }, 'Cannot parse target "tcp//x"'],
    ] as const
  ) {
    await t.step(text, () => {
      try {
        conformanceTests(options);
      } catch (e) {
        assertStringIncludes((e as Error).message, text);
        return;
      }
      throw new Error("no error");
    });
  }
});
