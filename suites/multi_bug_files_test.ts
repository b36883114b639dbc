/**
 * Every multi-bug program has its stability test file, `multi_bug_<name>_test.ts` (all its runs,
 * or its address runs with its `--exec` run in `multi_bug_<name>_exec_test.ts`), and no such file
 * names a program that is gone.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { MULTI_BUG_PROGRAMS } from "../fixtures/multi_bugs.ts";

Deno.test("every multi-bug program has a stability test file of its own, and no other file is one", () => {
  const dir = new URL(".", import.meta.url);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => /^multi_bug_.+_test\.ts$/.test(n) && n !== "multi_bug_files_test.ts");
  const want: string[] = [];
  for (const p of MULTI_BUG_PROGRAMS) {
    const main = `multi_bug_${p.name}_test.ts`;
    const exec = `multi_bug_${p.name}_exec_test.ts`;
    want.push(main);
    const text = Deno.readTextFileSync(new URL(main, dir));
    if (text.includes(`multiBugTests(["${p.name}"]);`)) continue;
    // Split in two: the address runs here, the --exec run in a file of its own.
    assertEquals(text.includes(`multiBugTests(["${p.name}"], "address");`), true, main);
    const other = Deno.readTextFileSync(new URL(exec, dir));
    assertEquals(other.includes(`multiBugTests(["${p.name}"], "exec");`), true, exec);
    want.push(exec);
  }
  assertEquals(files.sort(), want.sort());
});
