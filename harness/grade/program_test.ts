import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parse } from "@std/csv";
import { compileC, findCompiler } from "../../fixtures/c/compile.ts";
import type { RunReport } from "../mod.ts";
import { liveWithMark, MARK, newMark } from "../program/_test_utils.ts";
import { programStatus } from "../../reports/mod.ts";
import { runCli } from "../cli/_test_utils.ts";

const C_DIR = new URL("../../fixtures/c/exec/", import.meta.url).pathname;
const ignore = findCompiler() === null;

Deno.test({
  name: "grade launches a roster of C programs given only as commands, and leaves none running",
  ignore,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "sockspec-grade-exec-" });
    try {
      // Submissions built by the roster's build column: one compiles, one does not.
      for (const name of ["good", "broken"]) await Deno.mkdir(`${root}/${name}`);
      for (const file of ["echo_select.c", "_select_echo.h", "_serve.h"]) {
        await Deno.copyFile(`${C_DIR}${file}`, `${root}/good/${file}`);
      }
      await Deno.writeTextFile(`${root}/broken/server.c`, "int main(void) { return oops; }\n");
      const fork = await compileC("exec/echo_fork");
      const crash = await compileC("exec/crash_big_recv");
      const zombies = await compileC("exec/zombies");
      const exits = await compileC("exec/exits_at_once");
      await Deno.writeTextFile(
        `${root}/roster.csv`,
        [
          "student,command,dir,build,profile",
          `ada,${fork} {tcp},,,echo`,
          `bob,./server {tcp},good,cc -o server echo_select.c,echo`,
          `cy,${crash} {tcp},,,echo`,
          `dee,./server {tcp},broken,cc -o server server.c,echo`,
          `eve,${exits} {tcp},,,echo`,
          `fay,./nowhere {tcp},,,echo`,
          `gus,${zombies} {tcp},,,echo`,
          `hal,${fork} 8080,,,echo`,
        ].join("\n") + "\n",
      );
      const mark = newMark();
      const r = await runCli("harness/cli/grade.ts", [
        "--roster",
        `${root}/roster.csv`,
        "--out",
        `${root}/grades`,
        "--only",
        "tcp.basic",
        "--only",
        "tcp.framing.large",
        "--only",
        "process.children",
        "--seed",
        "1",
      ], { env: { [MARK]: mark } });
      assertEquals(liveWithMark(mark), [], "no process of any student is left running");
      assertEquals(r.code, 3, r.stdout + r.stderr); // some rows could not be graded
      const csv = parse(await Deno.readTextFile(`${root}/grades/gradebook.csv`)) as string[][];
      const [header, ...rows] = csv;
      const col = (name: string) => header.indexOf(name);
      const status = Object.fromEntries(rows.map((row) => [row[0], row[col("status")]]));
      assertEquals(status.ada, "ok");
      assertEquals(status.bob, "built");
      assertEquals(status.cy, "crashed 1 time");
      assertStringIncludes(status.dee, "build failed: exited with status 1");
      assertStringIncludes(status.eve, "did not start: exec_exits_at_once exited with status 3");
      assertStringIncludes(status.fay, 'cannot run: Cannot run "./nowhere": no such file');
      assertEquals(status.gus, "ok");
      assertStringIncludes(status.hal, "cannot run: ");
      assertStringIncludes(status.hal, "has no port placeholder");
      const total = Object.fromEntries(rows.map((row) => [row[0], row[col("total")]]));
      const max = Object.fromEntries(rows.map((row) => [row[0], row[col("max")]]));
      assertEquals(total.ada, max.ada);
      assert(Number(total.gus) < Number(max.gus), "zombies lose process.children");
      assertEquals(max.ada, max.gus, "every program of a profile has the same maximum");
      assertEquals(total.dee, "0");
      // What each program did lands in its folder.
      const crashed: RunReport = JSON.parse(
        await Deno.readTextFile(`${root}/grades/cy/report.json`),
      );
      assertEquals(crashed.program?.deaths[0].signal, "SIGSEGV");
      assertEquals(crashed.program?.deaths[0].cause, "tcp.framing.large");
      const log = await Deno.readTextFile(`${root}/grades/cy/program.log`);
      assertStringIncludes(log, "died: killed by SIGSEGV");
      const build = await Deno.readTextFile(`${root}/grades/dee/program.log`);
      assertStringIncludes(build, "build: cc -o server server.c · FAILED");
      assertStringIncludes(build, "error");
      const results = JSON.parse(await Deno.readTextFile(`${root}/grades/dee/results.json`));
      assertStringIncludes(results.output, "build: cc -o server server.c · FAILED");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("programStatus() says built and how often the program crashed", () => {
  const base = {
    command: "./server {port}",
    limits: { files: 1024, processes: 256, memory: null, cpu: 60 },
    starts: [],
    restarts: 0,
    deaths: [],
  };
  const death = {
    at: "",
    atMs: 1,
    description: "killed by SIGSEGV (signal 11)",
    code: null,
    signal: "SIGSEGV",
    inFlight: [],
    confirmed: false,
    attribution: "",
    stderrTail: [],
  };
  const build = {
    command: "make",
    ok: true,
    description: "exited with status 0",
    durationMs: 1,
    output: "",
  };
  assertEquals(programStatus(base), "ok");
  assertEquals(programStatus({ ...base, build }), "built");
  assertEquals(programStatus({ ...base, deaths: [death] }), "crashed 1 time");
  assertEquals(programStatus({ ...base, build, deaths: [death, death] }), "built, crashed 2 times");
});
