import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { compileC, findCompiler, findExecutable } from "../../fixtures/c/compile.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { TOOL } from "../mod.ts";
import type { Io } from "../subject/args.ts";
import { PROFILES } from "../subject/profiles.ts";
import { sockspec, SUBCOMMANDS } from "./sockspec.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

Deno.test("sockspec() prints its version and help, and names every subcommand", async () => {
  const io = capture();
  assertEquals(await sockspec(["--version"], io), 0);
  assertEquals(io.lines, [`sockspec ${TOOL.version}`]);
  assertEquals(await sockspec(["conform", "--version"], io), 0);
  assertEquals(io.lines[1], `sockspec conform ${TOOL.version}`);
  assertEquals(await sockspec(["--help"], io), 0);
  for (const name of ["conform", "grade", "serve", "list", "demo"]) {
    assertStringIncludes(io.lines[2], `  ${name} `);
  }
  assertEquals(Object.keys(SUBCOMMANDS).sort(), ["conform", "demo", "grade", "list", "serve"]);
  assertEquals(io.errors, []);
});

Deno.test("sockspec() refuses a missing or unknown subcommand in one line with exit 2", async () => {
  const io = capture();
  assertEquals(await sockspec([], io), 2);
  assertEquals(await sockspec(["conforn"], io), 2);
  assertEquals(io.errors.length, 2);
  assertStringIncludes(io.errors[1], 'unknown command "conforn" (did you mean "conform"?)');
  assertEquals(io.lines, []);
});

Deno.test("sockspec list prints the cases, as conform --list does", async () => {
  const io = capture();
  assertEquals(await sockspec(["list"], io), 0);
  assert(io.lines.some((l) => l.startsWith("tcp.basic.connect ")), io.lines.join("\n"));
});

Deno.test("sockspec without a permission its subcommand needs says which, in one line", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--quiet",
      "--allow-read",
      "--config",
      `${ROOT}deno.json`,
      `${ROOT}harness/package/sockspec.ts`,
      "conform",
      "--target",
      "tcp://127.0.0.1:9",
    ],
    cwd: ROOT,
    stdin: "null",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assertEquals(out.code, 2, stderr);
  assertEquals(stderr.split("\n").length, 1, stderr);
  assertMatch(stderr, /^sockspec conform: needs --allow-net .*--allow-write/);
});

Deno.test({
  name: "sockspec installed from the checkout runs from another folder: a target, --exec, --client",
  ignore: findCompiler() === null,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "sockspec-install-" });
    const elsewhere = await Deno.makeTempDir({ prefix: "sockspec-elsewhere-" });
    try {
      const install = await new Deno.Command(Deno.execPath(), {
        args: [
          "install",
          "-g",
          "-A",
          "--quiet",
          "-n",
          "sockspec",
          "--root",
          root,
          "--config",
          `${ROOT}deno.json`,
          `${ROOT}harness/package/sockspec.ts`,
        ],
        cwd: elsewhere,
        stdin: "null",
      }).output();
      assertEquals(install.code, 0, new TextDecoder().decode(install.stderr));
      // The shim calls `deno` by name: the one running this test.
      const path = `${Deno.execPath().replace(/\/[^/]*$/, "")}:${Deno.env.get("PATH") ?? ""}`;
      const run = async (...args: string[]) => {
        const out = await new Deno.Command(`${root}/bin/sockspec`, {
          args,
          cwd: elsewhere,
          env: { PATH: path, NO_COLOR: "1" },
          stdin: "null",
        }).output();
        const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
        return { code: out.code, text, last: text.trim().split("\n").at(-1) ?? "" };
      };

      assertEquals((await run("--version")).text.trim(), `sockspec ${TOOL.version}`);

      await using served = serve(PROFILES.echo.reference!);
      const target = await run(
        "conform",
        "--target",
        served.targets.tcp!.url,
        "--target",
        served.targets.udp!.url,
        "--only",
        "tcp.basic",
        "--only",
        "udp.basic",
      );
      assertEquals(target.code, 0, target.text);
      assertMatch(target.last, /^\d+ passed, 0 failed, 0 errors/);

      const server = await compileC("exec/echo_fork");
      const exec = await run("conform", "--exec", `${server} {tcp}`, "--only", "tcp.basic");
      assertEquals(exec.code, 0, exec.text);
      assertMatch(exec.last, /^\d+ passed, 0 failed, 0 errors/);

      if (findExecutable("socat")) {
        const client = await run(
          "conform",
          "--client",
          "socat -t 5 - TCP:{host}:{port}",
          "--only",
          "client.tcp.byte-segments",
        );
        assertEquals(client.code, 0, client.text);
        assertMatch(client.last, /^[1-9]\d* passed, 0 failed, 0 errors/);
      }
      assertEquals(
        [...Deno.readDirSync(elsewhere)].map((e) => e.name),
        [],
        "nothing written where it ran",
      );
    } finally {
      await Deno.remove(root, { recursive: true });
      await Deno.remove(elsewhere, { recursive: true });
    }
  },
});
