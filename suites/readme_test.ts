import { assertEquals } from "@std/assert";
import { selfTest } from "./_self_check.ts";
import { LISTED_CASES } from "../harness/subject/client/client.ts";
import { PROFILES } from "../harness/subject/profiles.ts";

const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url)).catch(() => "");

function section(name: string): string {
  const from = readme.indexOf(`<!-- ${name} -->`), to = readme.indexOf(`<!-- /${name} -->`);
  return from < 0 || to < 0 ? "" : readme.slice(from, to);
}

selfTest("README lists every case, in --list order", () => {
  const ids = [...section("cases").matchAll(/^\| `([a-z0-9.-]+)`/gm)].map((m) => m[1]);
  assertEquals(ids, LISTED_CASES.map((c) => c.id));
});

selfTest("README lists every built-in profile", () => {
  const names = [...section("profiles").matchAll(/^\| `([a-z0-9]+)`/gm)].map((m) => m[1]);
  assertEquals(names.sort(), Object.keys(PROFILES).sort());
});
